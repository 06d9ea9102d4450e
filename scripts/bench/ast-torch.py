"""MicroAST in plain PyTorch on the CPU: the `ast` bench section's peer (CI never runs it).

Usage: python3 scripts/bench/ast-torch.py <size> <reps> [style.png]
Written from shared/README.md's description of the authors' net_microAST.py (their repository is
not used). It first checks itself against reference/A_output.f32.bin and A_signals.f32.bin (max
abs diff < 1e-3) and exits 2 when they do not match, so a wrong network cannot give numbers; then
it encodes the style once (default: the reference's Starry Night PNG) and times the content path
on random pixels at size x size.
Prints one JSON line: medianMs, runsMs, styleEncodeMs, peakRssMiB (VmHWM), maxRssMiB (getrusage).
"""
import json, os, resource, struct, sys, time, zlib
import numpy as np
import torch
import torch.nn.functional as F

WEIGHTS = os.path.join(os.environ.get('IMPASTO_WEIGHTS') or os.path.join(os.path.dirname(__file__), '../../../shared/weights'), 'microast')
PARTS = ('content_encoder', 'style_encoder', 'modulator', 'decoder')


def read_png(path):
    """8-bit RGB/RGBA non-interlaced PNG to float32 NCHW on 0..1 (u8 / 255). No Pillow here."""
    data = open(path, 'rb').read()
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            assert depth == 8 and ctype in (2, 6) and not interlace, f'{path}: unsupported PNG'
            ch = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw, stride = zlib.decompress(idat), w * ch
    out = np.zeros((h, stride), np.int32)
    prev = np.zeros(stride, np.int32)
    for y in range(h):
        f, line = raw[y * (stride + 1)], np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int32)
        if f == 0 or f == 2:
            row = (line + (prev if f == 2 else 0)) & 255
        else:  # Sub, Average, Paeth: each byte depends on the one a pixel to its left
            row = line.tolist()
            p = prev.tolist()
            for i in range(stride):
                a = row[i - ch] if i >= ch else 0
                b, c = p[i], (p[i - ch] if i >= ch else 0)
                if f == 1: pred = a
                elif f == 3: pred = (a + b) >> 1
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[i] = (row[i] + pred) & 255
            row = np.array(row, np.int32)
        out[y] = prev = row
    img = out.reshape(h, w, ch)[:, :, :3].astype(np.float32) / 255
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None]


def conv(sd, name, x, stride=1):
    """ConvLayer: reflection pad k // 2, then conv k x k with bias; groups from the weight's shape."""
    w, b = sd[name + '.conv_layer.weight'], sd[name + '.conv_layer.bias']
    p = w.shape[2] // 2
    if p:
        x = F.pad(x, (p, p, p, p), mode='reflect')
    return F.conv2d(x, w, b, stride=stride, groups=x.shape[1] // w.shape[1])


def residual(sd, name, x):
    return x + conv(sd, name + '.conv2', F.relu(conv(sd, name + '.conv1', x)))


def encoder(sd, x):
    x = F.relu(conv(sd, 'enc1.0', x))
    x = F.relu(conv(sd, 'enc1.2', x, 2))
    x = F.relu(conv(sd, 'enc1.4', x))
    x = F.relu(conv(sd, 'enc1.6', x, 2))
    x = F.relu(conv(sd, 'enc1.8', x))
    f1 = residual(sd, 'enc1.10', x)
    return f1, residual(sd, 'enc2.0', f1)


def mean_std(x, eps=1e-5):
    """calc_mean_std: per channel over H x W, std from the unbiased variance."""
    v = x.flatten(2)
    return v.mean(2)[..., None, None], (v.var(2) + eps).sqrt()[..., None, None]


def adain(x, style):
    m, s = mean_std(x)
    return (x - m) / s * style[1] + style[0]


def modulated(sd, name, x, w, b):
    t = F.relu(w * conv(sd, name + '.conv1', x) + b * x)
    return x + w * conv(sd, name + '.conv2', t) + b * t


def up(x):
    return F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)


def style_code(net, style):
    f1, f2 = encoder(net['style_encoder'], style)
    m = net['modulator']
    sig = lambda branch, f: conv(m, branch + '.0', f).mean((2, 3), keepdim=True)
    return dict(w1=sig('weight1', f1), b1=sig('bias1', f1), w2=sig('weight2', f2), b2=sig('bias2', f2), f1=mean_std(f1), f2=mean_std(f2))


def stylize(net, content, code):
    d = net['decoder']
    x = encoder(net['content_encoder'], content)[1]
    x = modulated(d, 'dec1', adain(x, code['f2']), code['w2'], code['b2'])
    x = modulated(d, 'dec2', adain(x, code['f1']), code['w1'], code['b1'])
    x = F.relu(conv(d, 'dec3.1', up(x)))
    x = F.relu(conv(d, 'dec3.3', x))
    x = F.relu(conv(d, 'dec3.6', up(x)))
    x = F.relu(conv(d, 'dec3.8', x))
    return conv(d, 'dec3.10', x)


def vm(field):
    status = open('/proc/self/status').read()
    return int(status.split(field + ':')[1].split()[0]) / 1024


def main():
    size, reps = int(sys.argv[1]), int(sys.argv[2])
    ref = os.path.join(WEIGHTS, 'reference')
    style_png = sys.argv[3] if len(sys.argv) > 3 else os.path.join(ref, 'A_style_starry_night.png')
    torch.set_num_threads(os.cpu_count())
    net = {p: torch.load(os.path.join(WEIGHTS, f'{p}_iter_160000.pth.tar'), map_location='cpu', weights_only=True) for p in PARTS}
    with torch.no_grad():
        ref_code = style_code(net, read_png(os.path.join(ref, 'A_style_starry_night.png')))
        y = stylize(net, read_png(os.path.join(ref, 'A_content_chelsea.png')), ref_code)
        want = np.fromfile(os.path.join(ref, 'A_output.f32.bin'), '<f4').reshape(1, 3, 256, 256)
        signals = torch.cat([ref_code[k].flatten() for k in ('w1', 'b1', 'w2', 'b2')]).numpy()
        diff = max(float(np.abs(signals - np.fromfile(os.path.join(ref, 'A_signals.f32.bin'), '<f4')).max()),
                   float(np.abs(y.numpy() - want).max()) if tuple(y.shape) == want.shape else float('inf'))
        if not diff < 1e-3:
            sys.stderr.write(f'ast-torch.py: output differs from the reference A_output.f32.bin (max abs diff {diff}, shape {tuple(y.shape)})\n')
            sys.exit(2)
        style = read_png(style_png)
        t0 = time.perf_counter()
        code = style_code(net, style)
        encode_ms = (time.perf_counter() - t0) * 1000
        content = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(1))
        baseline = vm('VmRSS')
        stylize(net, content, code)  # warm-up
        runs = []
        for _ in range(reps):
            t0 = time.perf_counter()
            stylize(net, content, code)
            runs.append((time.perf_counter() - t0) * 1000)
    print(json.dumps(dict(
        engine='torch', size=size, medianMs=float(np.median(runs)), runsMs=runs, styleEncodeMs=encode_ms,
        styleSize=list(style.shape[2:]), referenceMaxAbsDiff=diff, threads=torch.get_num_threads(), torch=torch.__version__,
        baselineRssMiB=baseline, peakRssMiB=vm('VmHWM'), maxRssMiB=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )))


if __name__ == '__main__':
    main()
