#include "cloud_decoder/decode/decode_pool.h"

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace nqe::decode {

absl::StatusOr<std::unique_ptr<DecodePool>> DecodePool::Create(const std::string& onnx_path,
                                                               CodeShape shape, int workers) {
  if (workers < 1) return absl::InvalidArgumentError("the decode pool needs >= 1 worker");
  std::unique_ptr<DecodePool> pool(new DecodePool());
  for (int i = 0; i < workers; ++i) {
    absl::StatusOr<std::unique_ptr<PurenetDecoder>> decoder =
        PurenetDecoder::Load(onnx_path, shape);
    if (!decoder.ok()) return decoder.status();
    auto worker = std::make_unique<Worker>();
    worker->decoder = *std::move(decoder);
    pool->workers_.push_back(std::move(worker));
  }
  for (auto& worker : pool->workers_) {
    worker->thread = std::thread(&DecodePool::Run, pool.get(), worker.get());
  }
  return pool;
}

DecodePool::~DecodePool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto& worker : workers_) worker->thread.join();
}

void DecodePool::Submit(absl::string_view shard_key, Job job) {
  Worker& worker = *workers_[absl::HashOf(shard_key) % workers_.size()];
  {
    std::lock_guard<std::mutex> lock(mutex_);
    worker.jobs.push_back(std::move(job));
    ++pending_;
  }
  work_.notify_all();
}

size_t DecodePool::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pending_;
}

void DecodePool::Run(Worker* worker) {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_.wait(lock, [&] { return stopping_ || !worker->jobs.empty(); });
      if (worker->jobs.empty()) return;  // stopping and drained
      job = std::move(worker->jobs.front());
      worker->jobs.pop_front();
    }
    job(*worker->decoder);
    std::lock_guard<std::mutex> lock(mutex_);
    --pending_;
  }
}

}  // namespace nqe::decode
