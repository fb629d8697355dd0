# Every yihu target gets the same strict warnings; generated code (protobuf) gets them without -Werror.
# YIHU_WERROR is off only in the fuzz preset: clang's warnings differ from GCC's, and that build is not where they
# are fixed.
function(yihu_set_warnings target)
  set(werror "")
  if(YIHU_WERROR)
    set(werror -Werror)
  endif()
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic ${werror}
    # GCC 12 warns on designated initializers that rely on default member initializers, which we use on purpose.
    -Wno-missing-field-initializers)
endfunction()
