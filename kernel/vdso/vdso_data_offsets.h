// Offsets into VdsoData (kernel/vdso/vdso_data.h) for the vDSO assembly, which reads a few fields
// itself; vdso_data.h checks them against the structure.
#pragma once

#define VDSO_DATA_SYSCALL_COUNT 4
#define VDSO_DATA_FREQUENCY 8
#define VDSO_DATA_SYSCALL_MAP 32
