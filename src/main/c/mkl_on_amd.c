/*
 * PyTorch's bundled Intel MKL asks mkl_serv_intel_cpu_true() whether the CPU is Intel and, on AMD, falls back
 * to slower generic kernels. Answering yes lets it choose kernels from the CPU's feature flags (AVX2/FMA here).
 * Measured on the 2-core AMD EPYC: fp32 matmul 2048² 125 -> 134 GFLOP/s, GL search 112 -> 120-142 GFLOP/s.
 * The launcher builds this with cc and preloads it on AMD CPUs; REPRODIFF_MKL_ON_AMD=0 turns it off.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
