#pragma once
#include "core/cli/Command.h"

namespace longrl::cli {

// `longrl serve --model DIR [--host 127.0.0.1] [--port 8000] [--api-key K] [--model-name NAME]
//  [--max-request-bytes N] [--max-queue N] [--max-tokens N] [--threads N] [--exit-on-stdin-eof]`
// Serves the model over an OpenAI-compatible API (serve/ChatServer.h) until SIGINT or SIGTERM, or
// with --exit-on-stdin-eof until stdin reaches end of file (ssh closes the remote stdin when its
// client goes away, so `ssh HOST -- longrl serve ...` needs no pty to stop with it).
// Prints "serving MODEL at http://HOST:PORT/v1" once it listens. --port 0 picks a free port.
// The API key may also come from the LONGRL_API_KEY environment variable (keeps it out of `ps`).
Command serveCommand();

}  // namespace longrl::cli
