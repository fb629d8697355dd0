# Every yihu target gets the same strict warnings; generated code (protobuf) gets them without -Werror.
function(yihu_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
    # GCC 12 warns on designated initializers that rely on default member initializers, which we use on purpose.
    -Wno-missing-field-initializers)
endfunction()
