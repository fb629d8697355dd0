# Links with mold (or lld) when the compiler can use it: GNU ld spends most of a test executable's link reading
# debug sections, and the suite links dozens of executables in each build (CI builds everything twice, cold).
# YIHU_LINKER=default keeps the toolchain's own linker.
set(YIHU_LINKER "auto" CACHE STRING "Linker: auto (mold, then lld, else default), mold, lld or default")
set_property(CACHE YIHU_LINKER PROPERTY STRINGS auto mold lld default)

include(CheckLinkerFlag)
set(_yihu_linker_candidates)
if(YIHU_LINKER STREQUAL "auto")
  set(_yihu_linker_candidates mold lld)
elseif(NOT YIHU_LINKER STREQUAL "default")
  set(_yihu_linker_candidates "${YIHU_LINKER}")
endif()

foreach(_linker IN LISTS _yihu_linker_candidates)
  check_linker_flag(CXX "-fuse-ld=${_linker}" YIHU_HAVE_LINKER_${_linker})
  if(YIHU_HAVE_LINKER_${_linker})
    add_link_options("-fuse-ld=${_linker}")
    message(STATUS "yihu: linking with ${_linker}")
    break()
  endif()
  if(NOT YIHU_LINKER STREQUAL "auto")
    message(FATAL_ERROR "yihu: YIHU_LINKER=${YIHU_LINKER} but the compiler cannot link with -fuse-ld=${_linker}")
  endif()
endforeach()
