// Captures what native libraries print on the process's stderr (OpenJPEG inside GDCM, libpng/libtiff inside
// OpenCV) while one decode call runs, so that a library never writes to the console: the text goes into the
// error message or the decoder warnings instead.
//
// Last resort, used only where the library offers no callback we can reach: file descriptor 2 is pointed at an
// in-memory file for the duration of the call and ALWAYS restored (destructor, or restore_active() on a path that
// jumps over destructors, the SIGABRT guard of dicom.cpp). Callers hold a mutex, so two captures never nest; output
// another thread writes to stderr inside that window ends up in the captured text.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <mutex>
#include <streambuf>
#include <string>

namespace medlearn {

class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    std::cerr.flush();
    fd_ = memfd_create("medlearn-stderr", MFD_CLOEXEC);
    if (fd_ < 0) return;
    saved_ = dup(2);
    if (saved_ < 0 || dup2(fd_, 2) < 0) {
      if (saved_ >= 0) close(saved_);
      close(fd_);
      fd_ = saved_ = -1;
      return;
    }
    active_saved() = saved_;
  }

  // Puts stderr back after a longjmp skipped the destructor of the capture in progress (the in-memory file leaks).
  static void restore_active() {
    if (active_saved() < 0) return;
    dup2(active_saved(), 2);
    close(active_saved());
    active_saved() = -1;
  }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;
  ~StderrCapture() { finish(); }

  // Restores stderr and returns what was written meanwhile (at most 4 KB, trimmed).
  std::string finish() {
    if (fd_ < 0) return text_;
    std::fflush(stderr);
    std::cerr.flush();
    dup2(saved_, 2);
    close(saved_);
    active_saved() = -1;
    char buf[4096];
    const ssize_t n = pread(fd_, buf, sizeof buf, 0);
    close(fd_);
    fd_ = saved_ = -1;
    text_.assign(buf, n > 0 ? static_cast<size_t>(n) : 0);
    while (!text_.empty() && (text_.back() == '\n' || text_.back() == ' ')) text_.pop_back();
    for (auto& c : text_)
      if (c == '\n') c = ';';
    return text_;
  }

 private:
  static int& active_saved() {
    static int fd = -1;
    return fd;
  }
  int fd_ = -1;
  int saved_ = -1;
  std::string text_;
};

// std::cerr output of the CURRENT thread during a scope (OpenCV's imdecode prints "imdecode_(...): can't read
// data" there). A router installed once in front of std::cerr's buffer forwards every other thread's output (and
// this thread's outside a capture) unchanged, so no other writer is affected and nothing needs restoring; only
// the capturing thread's writes are kept, in a thread-local string.
class CerrCapture {
 public:
  CerrCapture() {
    install();
    sink() = &text_;
  }
  CerrCapture(const CerrCapture&) = delete;
  CerrCapture& operator=(const CerrCapture&) = delete;
  ~CerrCapture() { sink() = nullptr; }

  // What this thread wrote to std::cerr so far in the scope, newlines as ';', at most 300 characters.
  std::string text() const {
    std::string t = text_.substr(0, 300);
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    for (auto& c : t)
      if (c == '\n') c = ';';
    return t;
  }

 private:
  class Router : public std::streambuf {
   public:
    explicit Router(std::streambuf* original) : original_(original) {}

   protected:
    int overflow(int c) override {
      if (c == traits_type::eof()) return 0;
      if (auto* s = sink()) {
        s->push_back(static_cast<char>(c));
        return c;
      }
      return original_ ? original_->sputc(static_cast<char>(c)) : c;
    }
    std::streamsize xsputn(const char* p, std::streamsize n) override {
      if (auto* s = sink()) {
        s->append(p, static_cast<size_t>(n));
        return n;
      }
      return original_ ? original_->sputn(p, n) : n;
    }
    int sync() override { return sink() || !original_ ? 0 : original_->pubsync(); }

   private:
    std::streambuf* original_;
  };

  static std::string*& sink() {
    thread_local std::string* s = nullptr;
    return s;
  }

  static void install() {
    static std::once_flag once;
    std::call_once(once, [] { std::cerr.rdbuf(new Router(std::cerr.rdbuf())); });  // lives as long as the process
  }

  std::string text_;
};

}  // namespace medlearn
