# SpindleAddPlugin.cmake: build Spindle model plugins and the programs that load them, in the
# source tree or against an installed Spindle (find_package(Spindle) includes this file).
#
#   spindle_add_plugin(<name> <source>... [DESTINATION <dir>] [NO_INSTALL])
#     A MODULE library <name>.so (target spindle_plugin_<name>) that `spindle --plugin` and
#     spindle::PluginSet load. It compiles against Spindle's headers (spindle::plugin_api) and
#     links no Spindle library: Spindle's symbols come from the program that loads it, so the
#     process holds one copy of Spindle's code. Only the entry point is exported (hidden
#     visibility). Installed to DESTINATION, by default ${CMAKE_INSTALL_LIBDIR}/spindle/plugins
#     under the install prefix: the folder the `spindle` of the same prefix searches.
#
#   spindle_enable_plugins(<target>)
#     For an executable that loads plugins: links spindle::models and spindle::framework whole
#     and exports their symbols (ENABLE_EXPORTS, i.e. -rdynamic), so that everything a plugin
#     may call is there when it is loaded.
include_guard(GLOBAL)
include(GNUInstallDirs)

function(spindle_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_INSTALL" "DESTINATION" "")
  if(NOT arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "spindle_add_plugin(${name}): no source files given")
  endif()
  set(target spindle_plugin_${name})
  add_library(${target} MODULE ${arg_UNPARSED_ARGUMENTS})
  target_link_libraries(${target} PRIVATE spindle::plugin_api)
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME ${name}
    CXX_EXTENSIONS OFF CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(NOT arg_NO_INSTALL)
    if(NOT arg_DESTINATION)
      set(arg_DESTINATION ${CMAKE_INSTALL_LIBDIR}/spindle/plugins)
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION ${arg_DESTINATION})
  endif()
endfunction()

function(spindle_enable_plugins target)
  set_target_properties(${target} PROPERTIES ENABLE_EXPORTS ON)
  target_link_libraries(${target} PRIVATE spindle::models spindle::framework)
  # Whole archives: a plugin may call a function the program itself never uses.
  target_link_options(${target} PRIVATE "LINKER:--whole-archive"
    "$<TARGET_FILE:spindle::models>" "$<TARGET_FILE:spindle::framework>"
    "LINKER:--no-whole-archive")
endfunction()
