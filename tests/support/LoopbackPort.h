#pragma once

namespace longrl::test {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, released):
// nothing listens there, so it serves both as "start a server here" and as "connection refused".
// Returns 0 if no port could be had.
int unusedLoopbackPort();

}  // namespace longrl::test
