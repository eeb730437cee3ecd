# ctest -L fuzz: copies the seed corpus (and its regression inputs) into the build dir's working
# corpus, so that nothing is written into the source tree, then fuzzes for SECONDS.
file(MAKE_DIRECTORY ${CORPUS})
file(COPY ${SEEDS}/ DESTINATION ${CORPUS})
get_filename_component(_name ${FUZZER} NAME)
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10 -artifact_prefix=${_name}- ${CORPUS}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${_name} exited with ${rc}: a finding (see the crash-/timeout-/oom- file above)")
endif()
