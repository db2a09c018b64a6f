# Writes docs/models.md: cmake -DSPINDLE=<spindle program> -DOUT=<file> -P models_doc.cmake
execute_process(COMMAND ${SPINDLE} models --markdown --no-default-plugins
  OUTPUT_FILE ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "spindle models --markdown failed (exit status ${rc})")
endif()
