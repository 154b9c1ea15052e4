#include "ValgrindControl.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define SAMKIT_HAVE_CALLGRIND 1
#endif
#endif

void valgrind_start_instrumentation(void) {
#ifdef SAMKIT_HAVE_CALLGRIND
    CALLGRIND_START_INSTRUMENTATION;
#endif
}

void valgrind_stop_instrumentation(void) {
#ifdef SAMKIT_HAVE_CALLGRIND
    CALLGRIND_STOP_INSTRUMENTATION;
#endif
}

void valgrind_zero_statistics(void) {
#ifdef SAMKIT_HAVE_CALLGRIND
    CALLGRIND_ZERO_STATS;
#endif
}

int valgrind_running(void) {
#ifdef SAMKIT_HAVE_CALLGRIND
    return RUNNING_ON_VALGRIND ? 1 : 0;
#else
    return 0;
#endif
}
