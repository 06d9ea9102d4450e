"""PyTorch CUDA eager on the same work as gpu-bench.ts: the GPU run's speed peer (random weights:
timing does not depend on their values).

Usage: python3 torch-peer.py <out json> [--smoke]   (--smoke: tiny sizes on the CPU, to check it here)
- fast style: lengstrom's transformer (9x9 conv, two stride-2 convs, five residual blocks, two
  stride-2 transposed convs, 9x9 conv; instance norm, SAME-style padding) at 512² and 1024²;
- NST: one iteration = VGG19 to relu5_1 forward, content (relu4_2) + Gram style (relu1_1…5_1)
  + total variation, backward to the image, one Adam step, clamp; at 256² and 512², everything
  on the device, as Impasto's device loop does it.
"""
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

smoke = '--smoke' in sys.argv
dev = 'cpu' if smoke or not torch.cuda.is_available() else 'cuda'
out_file = sys.argv[1]
results = {'device': torch.cuda.get_device_name(0) if dev == 'cuda' else 'cpu', 'torch': torch.__version__}


def log(k, v):
    results[k] = v
    print(k, json.dumps(v), flush=True)
    with open(out_file, 'w') as f:
        json.dump(results, f, indent=2)


def sync():
    if dev == 'cuda':
        torch.cuda.synchronize()


def median_ms(fn, reps):
    for _ in range(2):
        fn()
    sync()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)[len(times) // 2]


class ConvIn(nn.Module):
    def __init__(self, cin, cout, k, stride, relu=True, transpose=False):
        super().__init__()
        self.conv = (nn.ConvTranspose2d(cin, cout, k, stride, padding=k // 2, output_padding=stride - 1, bias=False) if transpose
                     else nn.Conv2d(cin, cout, k, stride, padding=k // 2, bias=False))
        self.norm = nn.InstanceNorm2d(cout, affine=True, eps=1e-3)
        self.relu = relu

    def forward(self, x):
        y = self.norm(self.conv(x))
        return F.relu(y) if self.relu else y


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a, self.b = ConvIn(c, c, 3, 1), ConvIn(c, c, 3, 1, relu=False)

    def forward(self, x):
        return x + self.b(self.a(x))


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(ConvIn(3, 32, 9, 1), ConvIn(32, 64, 3, 2), ConvIn(64, 128, 3, 2), *[Residual(128) for _ in range(5)],
                                 ConvIn(128, 64, 3, 2, transpose=True), ConvIn(64, 32, 3, 2, transpose=True), ConvIn(32, 3, 9, 1, relu=False))

    def forward(self, x):
        return torch.tanh(self.net(x)) * 150 + 127.5


VGG19 = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512]
# relu indices (1-based conv count) the NST terms read: relu1_1, relu2_1, relu3_1, relu4_1, relu4_2 (content), relu5_1.
STYLE, CONTENT = {1, 3, 5, 9, 13}, 10


class Vgg(nn.Module):
    def __init__(self):
        super().__init__()
        layers, c = [], 3
        for v in VGG19:
            layers.append(nn.MaxPool2d(2) if v == 'M' else nn.Conv2d(c, v, 3, padding=1))
            c = v if v != 'M' else c
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        style, content, k = [], None, 0
        for layer in self.layers:
            x = layer(x)
            if isinstance(layer, nn.Conv2d):
                k += 1
                x = F.relu(x)
                if k in STYLE:
                    style.append(x)
                if k == CONTENT:
                    content = x
        return content, style


def gram(f):
    n, c, h, w = f.shape
    f = f.reshape(c, h * w)
    return f @ f.t() / (c * h * w)


def main():
    torch.manual_seed(0)
    fst = Transformer().to(dev).eval()
    with torch.no_grad():
        for size in ([32, 64] if smoke else [512, 1024]):
            x = torch.rand(1, 3, size, size, device=dev) * 255
            log(f'torch_fst_{size}_ms', median_ms(lambda: fst(x), 9 if size < 1024 else 5))

    vgg = Vgg().to(dev).eval()
    for p in vgg.parameters():
        p.requires_grad_(False)
    mean = torch.tensor([123.68, 116.779, 103.939], device=dev).view(1, 3, 1, 1)
    for size in ([32] if smoke else [256, 512]):
        content_img = torch.rand(1, 3, size, size, device=dev) * 255
        style_img = torch.rand(1, 3, size, size, device=dev) * 255
        with torch.no_grad():
            c_target, _ = vgg(content_img - mean)
            _, s_feats = vgg(style_img - mean)
            s_targets = [gram(f) for f in s_feats]
        x = content_img.clone().requires_grad_(True)
        opt = torch.optim.Adam([x], lr=2)

        def iteration():
            opt.zero_grad(set_to_none=True)
            c, s = vgg(x - mean)
            loss = F.mse_loss(c, c_target) + 1e3 * sum(F.mse_loss(gram(f), t) for f, t in zip(s, s_targets))
            loss = loss + 0.1 * ((x[:, :, 1:, :] - x[:, :, :-1, :]).abs().mean() + (x[:, :, :, 1:] - x[:, :, :, :-1]).abs().mean())
            loss.backward()
            opt.step()
            with torch.no_grad():
                x.clamp_(0, 255)

        log(f'torch_nst_vgg19_{size}_ms_per_iteration', median_ms(iteration, 9))


main()
