// Profiling drivers (issue 5).
