"""Gatys NST in TensorFlow-CPU graph mode: the `nst-tf` bench section's peer (CI never runs it).

Usage: python3 scripts/bench/nst-tf.py <size> <iterations> [--xla] [--threads=N] [content.rgb style.rgb]
One iteration does what one of Impasto's does with its defaults (packages/core/src/nst): VGG19 in
caffe mode (RGB -> BGR, minus the ImageNet mean) up to relu5_1, the deepest default layer; content
loss mean((F - P)^2) at relu4_2; style loss sum over relu1_1 ... relu5_1 of 0.2 * mean((G - A)^2)
with G = F^T F / (C*H*W); total variation (sum of squared steps down and across) / (H*W); weights
content 1, style 1e3, tv 0.1; then the gradient with respect to the image, one Adam step
(lr 4, betas 0.9 / 0.999, eps 1e-8, bias-corrected as Impasto's Adam) and a clamp to 0..255.
All of it is one `tf.function` (graph mode; `--xla`: jit_compile=True), NHWC as TensorFlow's CPU
kernels want. Weights: the uint8 VGG19 of shared/weights/vgg19-tfjs-uint8 (the ones Impasto's
default `vgg19` reads), random when absent (timing does not depend on them; `weights` says which).
Images: raw size x size x 3 uint8 RGB files (the bench writes them with sharp, as nst-case.ts
resizes them); random pixels when not given. Threads: intra-op `--threads` (default: all cores,
as ONNX Runtime's default), inter-op 1.
Checked once against Impasto (same 128² pixels, uint8 weights): the start loss agrees to 6e-6
relative and the losses after 1-3 Adam steps to 0.05 %, so both do the same work.
Warms up 2 iterations, times `iterations`; prints one JSON line: msPerIteration (mean, as
nst-case.ts reports), medianMs, runsMs, the loss at each iteration (before its step) and the
terms at the start image, peakRssMiB.
"""
import json, os, sys, time

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')  # TensorFlow's start-up chatter goes to stderr otherwise
import numpy as np
import tensorflow as tf

WEIGHTS = os.path.join(os.environ.get('IMPASTO_WEIGHTS') or os.path.join(os.path.dirname(__file__), '../../../shared/weights'), 'vgg19-tfjs-uint8')
# VGG19 up to relu5_1: (name, output channels) per conv, 'pool' between blocks.
LAYERS = [('conv1_1', 64), ('conv1_2', 64), 'pool', ('conv2_1', 128), ('conv2_2', 128), 'pool',
          ('conv3_1', 256), ('conv3_2', 256), ('conv3_3', 256), ('conv3_4', 256), 'pool',
          ('conv4_1', 512), ('conv4_2', 512), ('conv4_3', 512), ('conv4_4', 512), 'pool', ('conv5_1', 512)]
CONTENT = 'relu4_2'
STYLE = ['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu5_1']
MEAN_BGR = [103.939, 116.779, 123.68]
WEIGHT = dict(content=1.0, style=1e3, tv=0.1)
LR, B1, B2, EPS = 4.0, 0.9, 0.999, 1e-8


def keras_name(conv):
    b, c = conv[4:].split('_')
    return f'block{b}_conv{c}'


def load_weights():
    """HWIO kernels and biases of every conv above, dequantized (q * scale + min); None without the files."""
    if not os.path.exists(os.path.join(WEIGHTS, 'model.json')):
        return None
    manifest = json.load(open(os.path.join(WEIGHTS, 'model.json')))['weightsManifest']
    wanted = {f'{keras_name(l[0])}/{p}' for l in LAYERS if l != 'pool' for p in ('kernel', 'bias')}
    out, shard, offset, group = {}, 0, 0, manifest[0]
    # The shards are one byte stream in manifest order; the convs come first, so reading stops early.
    data = b''
    for entry in group['weights']:
        if not wanted - out.keys():
            break
        q = entry.get('quantization')
        n = int(np.prod(entry['shape'])) * (1 if q else 4)
        while len(data) < offset + n:
            data += open(os.path.join(WEIGHTS, group['paths'][shard]), 'rb').read()
            shard += 1
        raw = np.frombuffer(data, np.uint8 if q else '<f4', int(np.prod(entry['shape'])), offset)
        offset += n
        if entry['name'] in wanted:
            value = raw.astype(np.float32) * q['scale'] + q['min'] if q else raw.astype(np.float32)
            out[entry['name']] = value.reshape(entry['shape']).astype(np.float32)
    return out


def read_rgb(path, size):
    return np.fromfile(path, np.uint8).reshape(1, size, size, 3).astype(np.float32)


def main():
    argv = sys.argv[1:]
    flags = [a for a in argv if a.startswith('--')]
    pos = [a for a in argv if not a.startswith('--')]
    size, iterations = int(pos[0]), int(pos[1])
    xla = '--xla' in flags
    threads = next((int(f.split('=')[1]) for f in flags if f.startswith('--threads=')), os.cpu_count())
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    loaded = load_weights()
    rng = np.random.default_rng(1)
    params = {}
    cin = 3
    for layer in LAYERS:
        if layer == 'pool':
            continue
        name, cout = layer
        if loaded:
            k, b = loaded[f'{keras_name(name)}/kernel'], loaded[f'{keras_name(name)}/bias']
        else:  # He-scaled noise keeps the activations (and so the loss) in a sane range
            k = (rng.standard_normal((3, 3, cin, cout)) * np.sqrt(2 / (9 * cin))).astype(np.float32)
            b = np.zeros(cout, np.float32)
        params[name] = (tf.constant(k), tf.constant(b))
        cin = cout

    def features(img):
        """The layers the terms read, from NHWC RGB 0..255."""
        x = tf.reverse(img, axis=[-1]) - tf.constant(MEAN_BGR, tf.float32)
        out = {}
        for layer in LAYERS:
            if layer == 'pool':
                x = tf.nn.max_pool2d(x, 2, 2, 'VALID')
                continue
            name = layer[0]
            k, b = params[name]
            x = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, k, 1, 'SAME'), b))
            relu = 'relu' + name[4:]
            if relu == CONTENT or relu in STYLE:
                out[relu] = x
        return out

    def gram(f):
        shape = tf.shape(f)
        c = shape[3]
        m = tf.reshape(f, [-1, c])
        return tf.matmul(m, m, transpose_a=True) / tf.cast(shape[1] * shape[2] * c, tf.float32)

    def terms(img, content_target, style_targets):
        f = features(img)
        content = tf.reduce_mean(tf.square(f[CONTENT] - content_target))
        style = tf.add_n([0.2 * tf.reduce_mean(tf.square(gram(f[l]) - a)) for l, a in zip(STYLE, style_targets)])
        dy = img[:, 1:, :, :] - img[:, :-1, :, :]
        dx = img[:, :, 1:, :] - img[:, :, :-1, :]
        tv = (tf.reduce_sum(tf.square(dy)) + tf.reduce_sum(tf.square(dx))) / float(size * size)
        return dict(content=WEIGHT['content'] * content, style=WEIGHT['style'] * style, tv=WEIGHT['tv'] * tv)

    images = pos[2:4]
    content_img = read_rgb(images[0], size) if images else rng.integers(0, 256, (1, size, size, 3)).astype(np.float32)
    style_img = read_rgb(images[1], size) if images else rng.integers(0, 256, (1, size, size, 3)).astype(np.float32)
    # Targets once per run, as Impasto's target graph does before the first iteration.
    tf_targets = tf.function(lambda c, s: (features(c)[CONTENT], [gram(features(s)[l]) for l in STYLE]))
    content_target, style_targets = tf_targets(tf.constant(content_img), tf.constant(style_img))

    x = tf.Variable(content_img)  # Impasto's transfer starts from the content photo
    m = tf.Variable(tf.zeros_like(x))
    v = tf.Variable(tf.zeros_like(x))
    t = tf.Variable(0.0)

    @tf.function(jit_compile=xla)
    def step():
        with tf.GradientTape() as tape:
            parts = terms(x, content_target, style_targets)
            loss = parts['content'] + parts['style'] + parts['tv']
        g = tape.gradient(loss, x)
        t.assign_add(1.0)
        m.assign(B1 * m + (1 - B1) * g)
        v.assign(B2 * v + (1 - B2) * g * g)
        m_hat = m / (1 - B1 ** t)
        v_hat = v / (1 - B2 ** t)
        x.assign(tf.clip_by_value(x - LR * m_hat / (tf.sqrt(v_hat) + EPS), 0.0, 255.0))
        return loss, parts

    # Reading the loss back each iteration is what makes the step finish (Impasto reads it too).
    first, first_parts = step()
    first = float(first.numpy())
    first_parts = {k: float(p.numpy()) for k, p in first_parts.items()}
    losses = [first, float(step()[0].numpy())]  # the second warm-up
    runs = []
    t_all = time.perf_counter()
    for _ in range(iterations):
        t0 = time.perf_counter()
        losses.append(float(step()[0].numpy()))
        runs.append((time.perf_counter() - t0) * 1000)
    total = (time.perf_counter() - t_all) * 1000
    status = open('/proc/self/status').read()
    print(json.dumps(dict(
        engine='tf-xla' if xla else 'tf', size=size, msPerIteration=total / iterations, medianMs=float(np.median(runs)), runsMs=runs,
        losses=losses, firstTerms=first_parts, weights='vgg19-tfjs-uint8' if loaded else 'random', threads=threads,
        tf=tf.__version__, onednn=os.environ.get('TF_ENABLE_ONEDNN_OPTS', 'default'),
        peakRssMiB=int(status.split('VmHWM:')[1].split()[0]) / 1024,
    )))


if __name__ == '__main__':
    main()
