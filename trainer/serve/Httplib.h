#pragma once
// Debian's libcpp-httplib.so is compiled with these options, and the layout of its classes
// depends on them: every file that includes httplib must see the same definitions. pkg-config
// passes them only to targets that link PkgConfig::HTTPLIB (longrl_core, longrl_trainer, the core
// tests); longrl_trainer links it privately, so the trainer tests that include httplib get them
// from here. Include this header, not <httplib.h>, in trainer/ and its tests.
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
