#pragma once

namespace yihu::api {

// Gives the heap's free pages back to the kernel (glibc: malloc_trim over every arena; elsewhere nothing).
//
// Why: a city-wide alert's fan-out allocates per recipient on the hub and the I/O threads (frames, posted writes,
// ledger entries); freed, those bytes stay in glibc's arenas as holes below live data, which free() never returns,
// so a node's RSS would keep the high-water mark of its largest alert after the alert left memory. The hub calls it
// once closed alerts have left memory and their pushes are acknowledged (Hub::trim_heap_when_settled): its cost (a
// walk over the arenas' free chunks) is paid per closing batch, not per push.
void return_free_heap();

}  // namespace yihu::api
