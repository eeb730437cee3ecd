// Precompiled header for trainer/ (and tests that link it): the torch headers dominate build time.
#pragma once
#include <torch/torch.h>
