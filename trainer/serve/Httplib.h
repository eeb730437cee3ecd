#pragma once
// Debian's libcpp-httplib.so is compiled with these options, and the layout of its classes
// depends on them: every file of trainer/ that includes httplib must see the same definitions
// (core/ gets them from pkg-config; longrl_trainer does not link PkgConfig::HTTPLIB itself).
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#ifndef CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#endif
#ifndef CPPHTTPLIB_BROTLI_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#endif
#include <httplib.h>
