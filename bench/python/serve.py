#!/usr/bin/python3
"""Reference inference server for bench/serve.sh: the same MedLearn run folder (model.json + model.pt, a torchvision
ResNet state dict) served with the standard library's http.server and Debian's python3-torch.

POST /predict with an image body (PNG/JPEG, decoded by PIL) -> {"predicted", "probabilities"}. The best configuration
made here: ThreadingHTTPServer (one thread per connection, keep-alive), conv+BN folded with torch.fx, channels_last,
torch.inference_mode, intra-op threads = --threads, and (--max-batch > 1) dynamic batching like MedLearn's: one worker
thread takes the first waiting image, waits up to --max-wait-ms for more, runs one forward pass. Preprocessing as the
run's evaluation transform: RGB, resize shorter side to resizeSize (bilinear, antialias), centre crop imageSize,
scale to [0, 1], normalise with the run's mean/std.
"""
import argparse
import io
import json
import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--port", type=int, default=8091)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-batch", type=int, default=16)
    ap.add_argument("--max-wait-ms", type=float, default=5)
    args = ap.parse_args()

    import torch
    torch.set_num_threads(args.threads)
    import torchvision
    import torchvision.transforms.functional as TF
    from torch.fx.experimental.optimization import fuse
    from PIL import Image

    manifest = json.load(open(f"{args.run}/model.json"))
    classes = manifest["classes"]
    model = getattr(torchvision.models, manifest["architecture"].replace("-", "_"))(num_classes=len(classes))
    model.load_state_dict(torch.load(f"{args.run}/model.pt"))
    model.eval()
    model = fuse(model).to(memory_format=torch.channels_last)
    mean = torch.tensor(manifest["mean"]).view(3, 1, 1)
    std = torch.tensor(manifest["std"]).view(3, 1, 1)

    def preprocess(data):
        image = Image.open(io.BytesIO(data)).convert("RGB")
        x = TF.pil_to_tensor(image)
        x = TF.resize(x, manifest["resizeSize"], antialias=True)
        x = TF.center_crop(x, manifest["imageSize"])
        return (x.float() / 255 - mean) / std

    def forward(batch):
        with torch.inference_mode():
            return torch.softmax(model(batch.contiguous(memory_format=torch.channels_last)), 1)

    with torch.inference_mode():
        forward(torch.zeros(1, 3, manifest["imageSize"], manifest["imageSize"]))

    pending = queue.Queue()

    def worker():
        while True:
            first = pending.get()
            batch = [first]
            deadline = time.perf_counter() + args.max_wait_ms / 1000
            while len(batch) < args.max_batch:
                left = deadline - time.perf_counter()
                try:
                    batch.append(pending.get(timeout=left) if left > 0 else pending.get_nowait())
                except queue.Empty:
                    break
            try:
                out = forward(torch.stack([b[0] for b in batch]))
                for i, b in enumerate(batch):
                    b[1]["p"] = out[i].tolist()
            except Exception as e:  # noqa: BLE001 - handed to the request
                for b in batch:
                    b[1]["error"] = str(e)
            for b in batch:
                b[2].set()

    threading.Thread(target=worker, daemon=True).start()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_POST(self):
            data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                x = preprocess(data)
            except Exception as e:  # noqa: BLE001
                return self.reply(422, {"error": str(e)})
            slot, done = {}, threading.Event()
            pending.put((x, slot, done))
            done.wait()
            if "error" in slot:
                return self.reply(500, {"error": slot["error"]})
            p = slot["p"]
            best = max(range(len(p)), key=p.__getitem__)
            self.reply(200, {"predicted": classes[best], "probabilities": p})

        def reply(self, status, document):
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"serving on {args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
