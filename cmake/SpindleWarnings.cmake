# Per-target warnings; -Werror only in developer mode (CI turns it on).
function(spindle_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
    if(SPINDLE_DEVELOPER_MODE)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
