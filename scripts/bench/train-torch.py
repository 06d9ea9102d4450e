"""One fast-style training step in plain PyTorch on the CPU: the `train` bench section's peer (CI never runs it).

Usage: python3 scripts/bench/train-torch.py <size> <batch> <steps>
The same step as Impasto's `impasto train`: lengstrom/fast-style-transfer's transformer (SAME
padding, instance norm with eps 1e-3, tanh*150+127.5), VGG19 to relu5_1 behind caffe-mode
preprocessing, content at relu4_2, Gram style over relu1_1..relu5_1 (÷ C·H·W), TV as mean squared
steps, Adam 1e-3 over the transformer. The loss net's weights are random: a step's time does not
depend on their values, and the peer need not read TF.js shards. Threads: IMPASTO_THREADS or 2.
Prints one JSON line: msPerStep (median of the steps after two warm-ups), runsMs, peakRssMiB
(VmHWM), allocator (jemalloc when LD_PRELOAD names it, else glibc).
"""
import json, os, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

size, batch, steps = (int(a) for a in sys.argv[1:4])
torch.set_num_threads(int(os.environ.get('IMPASTO_THREADS', '2')))
torch.manual_seed(1)


def same_pad(x, k, s):
    # TensorFlow SAME: total padding max(k - s, 0) (k - 1 at stride 1), the odd one at the end.
    h = x.shape[-1]
    total = max(k - s, 0) if h % s == 0 else max(k - h % s, 0)
    a = total // 2
    return F.pad(x, (a, total - a, a, total - a))


class ConvLayer(nn.Module):
    def __init__(self, cin, cout, k, s, relu=True):
        super().__init__()
        self.k, self.s, self.relu = k, s, relu
        self.conv = nn.Conv2d(cin, cout, k, s, bias=False)
        self.norm = nn.InstanceNorm2d(cout, affine=True, eps=1e-3)

    def forward(self, x):
        y = self.norm(self.conv(same_pad(x, self.k, self.s)))
        return F.relu(y) if self.relu else y


class Deconv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.ConvTranspose2d(cin, cout, 3, 2, padding=1, output_padding=1, bias=False)
        self.norm = nn.InstanceNorm2d(cout, affine=True, eps=1e-3)

    def forward(self, x):
        return F.relu(self.norm(self.conv(x)))


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a, self.b = ConvLayer(c, c, 3, 1), ConvLayer(c, c, 3, 1, relu=False)

    def forward(self, x):
        return x + self.b(self.a(x))


transformer = nn.Sequential(
    ConvLayer(3, 32, 9, 1), ConvLayer(32, 64, 3, 2), ConvLayer(64, 128, 3, 2),
    *[Residual(128) for _ in range(5)],
    Deconv(128, 64), Deconv(64, 32), ConvLayer(32, 3, 9, 1, relu=False),
)

BLOCKS = [(64, 2), (128, 2), (256, 4), (512, 4), (512, 1)]
vgg, names, cin = [], [], 3
for b, (c, n) in enumerate(BLOCKS, 1):
    for i in range(1, n + 1):
        vgg += [nn.Conv2d(cin, c, 3, padding=1), nn.ReLU()]
        names += [f'conv{b}_{i}', f'relu{b}_{i}']
        cin = c
    if b < 5:
        vgg.append(nn.MaxPool2d(2, 2))
        names.append(f'pool{b}')
vgg = nn.Sequential(*vgg)
for p in vgg.parameters():
    p.requires_grad_(False)
STYLE = ['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu5_1']
MEAN = torch.tensor([103.939, 116.779, 123.68]).view(1, 3, 1, 1)


def features(x, wanted):
    x = x.flip(1) - MEAN
    out, last = {}, max(names.index(w) for w in wanted)
    for i, layer in enumerate(vgg[:last + 1]):
        x = layer(x)
        if names[i] in wanted:
            out[names[i]] = x
    return out


def gram(f):
    n, c, h, w = f.shape
    f = f.reshape(n, c, h * w)
    return f @ f.transpose(1, 2) / (c * h * w)


with torch.no_grad():
    painting = torch.rand(1, 3, size, size) * 255
    targets = {k: gram(v) for k, v in features(painting, STYLE).items()}
opt = torch.optim.Adam(transformer.parameters(), lr=1e-3)


def step(images):
    opt.zero_grad(set_to_none=True)
    y = torch.tanh(transformer(images)) * 150 + 127.5
    with torch.no_grad():
        content = features(images, ['relu4_2'])['relu4_2']
    fy = features(y, STYLE + ['relu4_2'])
    loss = 7.5 * ((fy['relu4_2'] - content) ** 2).mean()
    loss = loss + 100 * sum(((gram(fy[k]) - targets[k]) ** 2).mean() for k in STYLE)
    loss = loss + 200 * (((y[:, :, 1:] - y[:, :, :-1]) ** 2).mean() + ((y[:, :, :, 1:] - y[:, :, :, :-1]) ** 2).mean())
    loss.backward()
    opt.step()
    return loss.item()


runs = []
for i in range(steps + 2):
    images = torch.rand(batch, 3, size, size) * 255
    t0 = time.perf_counter()
    step(images)
    if i >= 2:
        runs.append((time.perf_counter() - t0) * 1000)
runs_sorted = sorted(runs)
median = runs_sorted[len(runs) // 2] if len(runs) % 2 else (runs_sorted[len(runs) // 2 - 1] + runs_sorted[len(runs) // 2]) / 2
peak = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024
print(json.dumps({'engine': 'pytorch', 'size': size, 'batch': batch, 'msPerStep': median, 'runsMs': runs, 'peakRssMiB': peak,
                  'allocator': 'jemalloc' if 'jemalloc' in os.environ.get('LD_PRELOAD', '') else 'glibc', 'threads': torch.get_num_threads()}))
