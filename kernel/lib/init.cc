#include "kernel/lib/init.h"

void run_constructors(InitFunction* begin, InitFunction* end) {
  for (InitFunction* fn = begin; fn != end; fn++) {
    if (*fn != nullptr) (*fn)();
  }
}
