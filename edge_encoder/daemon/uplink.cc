#include "edge_encoder/daemon/uplink.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/codes/entropy/frame_codes_coder.h"
#include "common/service/grpc_status.h"
#include "common/service/log.h"
#include "grpcpp/grpcpp.h"

namespace nqe::edge {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(100);

}  // namespace

Uplink::Uplink(UplinkOptions options, SendQueue* queue, EdgeMetrics* metrics)
    : options_(std::move(options)),
      queue_(queue),
      metrics_(metrics),
      backoff_(options_.initial_backoff, options_.max_backoff) {
  stub_ = service::CloudDecoder::NewStub(grpc::CreateChannel(options_.target, Credentials()));
}

std::shared_ptr<grpc::ChannelCredentials> Uplink::Credentials() const {
  if (options_.tls_ca_file.empty()) return grpc::InsecureChannelCredentials();
  std::ifstream in(options_.tls_ca_file);
  std::ostringstream roots;
  roots << in.rdbuf();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = roots.str();
  return grpc::SslCredentials(ssl);
}

size_t Uplink::unacknowledged() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_flight_.size();
}

void Uplink::Abort() { Fail(absl::CancelledError("aborted")); }

void Uplink::Fail(absl::Status why) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!aborted_) failure_ = std::move(why);
  aborted_ = true;
  if (context_ != nullptr) context_->TryCancel();
  changed_.notify_all();
}

absl::Status Uplink::Run() {
  for (;;) {
    bool finished = false;
    const absl::Status status = RunStream(&finished);
    if (finished) return absl::OkStatus();
    std::unique_lock<std::mutex> lock(mutex_);
    if (aborted_) {
      return absl::Status(failure_.code(),
                          absl::StrCat("uplink ", failure_.message(), " with ", in_flight_.size(),
                                       " frames unacknowledged"));
    }
    const absl::Duration delay = backoff_.NextDelay();
    NQE_LOG(WARNING) << "uplink to " << options_.target << " lost: " << status << "; retrying in "
                     << absl::FormatDuration(absl::Trunc(delay, absl::Milliseconds(1)));
    metrics_->reconnects.Increment();
    changed_.wait_for(lock, absl::ToChronoNanoseconds(delay), [&] { return aborted_; });
  }
}

std::deque<Uplink::InFlight> Uplink::Resume(uint64_t last_stored) {
  std::lock_guard<std::mutex> lock(mutex_);
  while (!in_flight_.empty() && in_flight_.front().sequence <= last_stored) {
    in_flight_.pop_front();  // stored before the connection broke; the ack was lost
    metrics_->frames_acked.Increment();
  }
  uint64_t sequence = last_stored;
  for (InFlight& frame : in_flight_) frame.sequence = ++sequence;
  next_sequence_ = sequence + 1;
  metrics_->in_flight.Set(static_cast<double>(in_flight_.size()));
  return in_flight_;
}

absl::Status Uplink::RunStream(bool* finished) {
  grpc::ClientContext context;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (aborted_) return absl::CancelledError("aborted");
    context_ = &context;
  }
  std::unique_ptr<Stream> stream = stub_->Ingest(&context);
  service::IngestRequest hello;
  hello.mutable_hello()->set_camera_id(options_.camera_id);
  hello.mutable_hello()->set_encoder_checksum(options_.encoder_checksum);
  if (options_.entropy_prior) {
    hello.mutable_hello()->set_entropy_prior_checksum(options_.entropy_prior->Checksum());
  }
  service::IngestResponse welcome;
  bool broken = !stream->Write(hello) || !stream->Read(&welcome) || !welcome.has_welcome();

  if (!broken) {
    const uint64_t last_stored = welcome.welcome().last_stored_sequence();
    const std::deque<InFlight> resend = Resume(last_stored);
    NQE_LOG(INFO) << "uplink: connected to " << options_.target << " as camera "
                  << options_.camera_id << "; cloud has frames up to " << last_stored
                  << (resend.empty() ? std::string() : absl::StrCat(", resending ", resend.size()));
    backoff_.Reset();
    metrics_->connected.Set(1);
    std::thread reader([&] { ReadAcks(stream.get(), &broken); });
    for (const InFlight& frame : resend) {
      if (!SendFrame(stream.get(), frame)) break;
      metrics_->frames_resent.Increment();
    }
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait_for(lock, absl::ToChronoNanoseconds(kPollInterval), [&] {
          return broken || aborted_ ||
                 in_flight_.size() < static_cast<size_t>(options_.max_in_flight);
        });
        if (broken || aborted_) break;
        if (queue_->closed_and_empty()) {
          if (in_flight_.empty()) {
            *finished = true;
            break;
          }
          continue;  // wait for the last acks
        }
        if (in_flight_.size() >= static_cast<size_t>(options_.max_in_flight)) continue;
      }
      std::shared_ptr<const EncodedFrame> frame = queue_->Pop(kPollInterval);
      metrics_->queue_depth.Set(static_cast<double>(queue_->size()));
      if (frame == nullptr) continue;
      InFlight sent;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        sent = InFlight{next_sequence_++, std::move(frame)};
        in_flight_.push_back(sent);
        metrics_->in_flight.Set(static_cast<double>(in_flight_.size()));
      }
      if (!SendFrame(stream.get(), sent)) break;
    }
    if (*finished) {
      stream->WritesDone();
    } else {
      context.TryCancel();
    }
    reader.join();
    metrics_->connected.Set(0);
  }
  const grpc::Status status = stream->Finish();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    context_ = nullptr;
  }
  if (*finished) return absl::OkStatus();
  return status.ok() ? absl::UnavailableError("stream ended") : FromGrpcStatus(status);
}

void Uplink::ReadAcks(Stream* stream, bool* broken) {
  service::IngestResponse response;
  while (stream->Read(&response)) {
    if (!response.has_ack()) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    // Acks come in sequence order; one covers every earlier frame.
    while (!in_flight_.empty() && in_flight_.front().sequence <= response.ack().sequence()) {
      in_flight_.pop_front();
      metrics_->frames_acked.Increment();
    }
    metrics_->in_flight.Set(static_cast<double>(in_flight_.size()));
    changed_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  *broken = true;
  changed_.notify_all();
}

bool Uplink::SendFrame(Stream* stream, const InFlight& sent) {
  const FrameCodes& codes = sent.frame->codes;
  const size_t row_bytes = static_cast<size_t>(codes.grid.cols) * codes.bytes_per_patch();
  // Coded afresh at every (re)send: the coding is deterministic, so a resent frame is the same.
  std::optional<FrameRowsEncoder> entropy;
  if (options_.entropy_prior)
    entropy.emplace(codes.grid, options_.code_shape, *options_.entropy_prior);
  for (int row = 0; row < codes.grid.rows; row += options_.rows_per_chunk) {
    const int rows = std::min(options_.rows_per_chunk, codes.grid.rows - row);
    service::IngestRequest request;
    service::FrameChunk& chunk = *request.mutable_chunk();
    chunk.set_sequence(sent.sequence);
    if (row == 0) {
      service::FrameHeader& header = *chunk.mutable_header();
      header.set_height(codes.frame_height);
      header.set_width(codes.frame_width);
      header.set_capture_time_unix_nanos(sent.frame->capture_time_unix_nanos);
      header.mutable_code_layout()->set_patch_size(codes.patch_size);
      header.mutable_code_layout()->set_bits_per_patch(codes.bits_per_patch);
    }
    chunk.set_first_row(row);
    chunk.set_row_count(rows);
    const auto raw = absl::MakeConstSpan(codes.bytes).subspan(row * row_bytes, rows * row_bytes);
    if (entropy) {
      absl::StatusOr<std::vector<uint8_t>> coded = entropy->EncodeRows(rows, raw);
      if (!coded.ok()) {
        // The encoder's own codes always fit its shape (main.cc checks the prior against it),
        // so this is a bug: stop the uplink rather than retry the same frame forever.
        Fail(absl::InternalError(absl::StrCat("cannot entropy-code frame ", sent.sequence, ": ",
                                              coded.status().message())));
        return false;
      }
      chunk.set_codes(coded->data(), coded->size());
    } else {
      chunk.set_codes(raw.data(), raw.size());
    }
    const size_t wire_bytes = chunk.codes().size();
    if (!stream->Write(request)) return false;
    metrics_->sent_bytes.Increment(static_cast<double>(wire_bytes));
    metrics_->raw_code_bytes.Increment(static_cast<double>(raw.size()));
  }
  metrics_->frames_sent.Increment();
  return true;
}

}  // namespace nqe::edge
