#include "api/hub/heap_trim.h"

#include <cstdlib>  // defines __GLIBC__ on glibc, which the test below needs

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace yihu::api {

void return_free_heap() {
#if defined(__GLIBC__)
    // 0: keep no padding at the top of the main heap; holes inside every arena are released page by page.
    (void)malloc_trim(0);
#endif
}

}  // namespace yihu::api
