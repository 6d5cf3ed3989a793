#include "kernel/proc/core_transport.h"

#include "kernel/lib/cmdline.h"
#include "kernel/proc/console_artifact.h"
#include "kernel/proc/host_artifact.h"

StringView core_host_dir(const BootInfo& info) {
  const Result<StringView> dir = cmdline_get(info.cmdline, "maplet.host_dir");
  return dir.is_ok() ? dir.value() : StringView();
}

bool core_transport_send(void* transport, const CoreStream& core) {
  const auto* t = static_cast<const CoreTransport*>(transport);
  Sink& console = *t->console;
  if (!t->host_dir.empty() && send_host_artifact(console, t->host_dir, core.name, core.size,
                                                 core.crc, core.write, core.context)
                                  .is_ok()) {
    return true;
  }
  ConsoleArtifactStream stream(console, core.name, core.size, core.crc);
  core.write(core.context, stream.sink());
  stream.finish();
  return true;
}
