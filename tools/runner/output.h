#pragma once

// Where the runner's own stdout and stderr go: the terminal in maplet-run, strings in tests.
// Every call writes whole lines (or whole user-output chunks), so parallel arches never
// interleave within a line.

#include <string>
#include <string_view>

namespace maplet::runner {

class Output {
 public:
  virtual ~Output() = default;
  void out(std::string_view bytes);
  void err(std::string_view bytes);
  // Ends a partial stdout line (user output without '\n') so the summary starts a line.
  void finish_out_line();
  // Whether the live lines on stderr may be coloured (see colour.h).
  [[nodiscard]] bool colour() const { return m_colour; }
  void set_colour(bool on) { m_colour = on; }

 protected:
  virtual void write_out(std::string_view bytes) = 0;
  virtual void write_err(std::string_view bytes) = 0;

 private:
  bool m_out_at_line_start = true;
  bool m_colour = false;
};

// Writes to file descriptors 1 and 2 directly (no stdio buffering to reorder lines). Colours
// stderr when colour_wanted() says so for it and the environment.
class StdOutput final : public Output {
 public:
  StdOutput();

 protected:
  void write_out(std::string_view bytes) override;
  void write_err(std::string_view bytes) override;
};

class StringOutput final : public Output {
 public:
  std::string stdout_text;
  std::string stderr_text;

 protected:
  void write_out(std::string_view bytes) override { stdout_text += bytes; }
  void write_err(std::string_view bytes) override { stderr_text += bytes; }
};

}  // namespace maplet::runner
