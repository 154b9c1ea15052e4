#ifndef VALGRIND_CONTROL_H
#define VALGRIND_CONTROL_H
/// Callgrind's client requests, for `scripts/step-profile.sh`: run the model's setup uninstrumented
/// (`valgrind --tool=callgrind --instr-atstart=no`) and count only the timed segments. Each is a
/// no-op costing a few instructions when the process does not run under valgrind, or when this
/// module was built without valgrind's headers.
void valgrind_start_instrumentation(void);
void valgrind_stop_instrumentation(void);
/// Zeroes callgrind's counts (the cache simulator keeps its state, so counting restarts warm).
void valgrind_zero_statistics(void);
/// 1 when running under valgrind (and built with its headers), else 0.
int valgrind_running(void);
#endif
