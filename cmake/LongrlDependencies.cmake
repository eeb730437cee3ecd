# Every third-party package longrl uses, found in one place so feature_summary() lists them all.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

find_package(SQLite3 REQUIRED)
set_package_properties(SQLite3 PROPERTIES TYPE REQUIRED PURPOSE "run store (one SQLite file per run directory)")
find_package(spdlog REQUIRED)
set_package_properties(spdlog PROPERTIES TYPE REQUIRED PURPOSE "logging")
find_package(nlohmann_json 3.10 REQUIRED)
set_package_properties(nlohmann_json PROPERTIES TYPE REQUIRED PURPOSE "configs, datasets, event stream, HTTP bodies")
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
add_feature_info(zstd ZSTD_FOUND "compression of documents and long texts in the run store")
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_feature_info(cpp-httplib HTTPLIB_FOUND "judge client, `longrl serve` and test servers (HTTP/1.1)")

if(LONGRL_TORCH)
  find_package(Torch REQUIRED)
  set_package_properties(Torch PROPERTIES TYPE REQUIRED PURPOSE "model engine, trainer, kernels")
endif()

if(LONGRL_GUI OR BUILD_TESTING)
  set(_qt_components Core)
  if(BUILD_TESTING)
    list(APPEND _qt_components Test)
  endif()
  if(LONGRL_GUI)
    list(APPEND _qt_components Gui Widgets Charts Svg Concurrent Network)
  endif()
  find_package(Qt6 6.4 REQUIRED COMPONENTS ${_qt_components})
  set_package_properties(Qt6 PROPERTIES TYPE REQUIRED PURPOSE "longrl-studio (Widgets, Charts) and the test suite (Qt Test)")
  if(LONGRL_GUI)
    # Optional: document QA reads PDFs with it (qt6-pdf-dev); without it, text and markdown only.
    find_package(Qt6Pdf QUIET)
    add_feature_info(QtPdf Qt6Pdf_FOUND "PDF documents in longrl-studio's document QA")
  endif()
endif()

if(LONGRL_CUDA)
  # The CUDA toolkit of these machines lives in /usr/local/cuda, off the PATH.
  if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  set_package_properties(CUDAToolkit PROPERTIES TYPE REQUIRED PURPOSE "CUDA kernels")
  # No NCCL here: nothing of ours calls it. Multi-GPU training reaches it through LibTorch's
  # ProcessGroupNCCL (trainer/train/ProcessGroupCollective), which a CUDA LibTorch links itself.
endif()

# Qt's `slots`/`signals` macros collide with LibTorch headers: Qt code uses Q_SLOTS etc.
add_compile_definitions(QT_NO_KEYWORDS)
