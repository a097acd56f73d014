#!/usr/bin/env node
// Runs an exported model with ONNX Runtime (onnxruntime-node, pinned in package.json) on a set
// of images and writes the logits and/or prints the accuracy: the export acceptance test
// (tests/core/tst_onnx_runtime.cpp) and checking a model by hand (docs/export.md).
//
//   node ort_run.mjs MODEL.onnx --images FILE [--shape C,H,W] [--labels FILE] [--out LOGITS.f32]
//                    [--dump DIR] [--batch 500] [--threads 1] [--opt all|extended|basic|disabled]
//                    [--mean M[,M,M] --std S[,S,S]]
//
// --images: raw float32 little-endian N x C x H x W with pixel values in [0, 1] (byte / 255),
//           with --shape; or IDX images (MNIST / Fashion-MNIST, plain or .gz), which are
//           turned into byte / 255 here. The model normalises the pixels itself, except a
//           model of an imported network, which takes what the original took: give its
//           --mean and --std, and the images become (x - mean) / std per channel here.
// --labels: IDX labels (plain or .gz): prints the accuracy.
// --out:    the logits (the first graph output), raw float32 N x classes.
// --dump:   every further graph output (e.g. QuantizeLinear levels added for a diagnosis) as
//           DIR/<output name>.f32, float32, all images one after another.
// Prints one JSON line (runtime version, images, accuracy, seconds).
import * as ort from 'onnxruntime-node';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

function usage(msg) {
    if (msg) console.error(`ort_run: ${msg}`);
    console.error('usage: node ort_run.mjs MODEL.onnx --images FILE [--shape C,H,W] [--labels FILE] ' +
                  '[--out LOGITS.f32] [--dump DIR] [--batch 500] [--threads 1] [--opt all|extended|basic|disabled] ' +
                  '[--mean M[,M,M] --std S[,S,S]]');
    process.exit(2);
}

const options = { images: null, shape: null, labels: null, out: null, dump: null, batch: '500', threads: '1', opt: 'all',
                  mean: null, std: null };
let modelPath = null;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; ++i) {
    if (args[i].startsWith('--')) {
        const key = args[i].slice(2);
        if (!(key in options) || i + 1 >= args.length) usage(`unknown or incomplete option ${args[i]}`);
        options[key] = args[++i];
    } else if (modelPath === null) {
        modelPath = args[i];
    } else {
        usage(`unexpected argument ${args[i]}`);
    }
}
if (!modelPath || !options.images) usage('need MODEL.onnx and --images');
const batch = Number(options.batch), threads = Number(options.threads);
if (!(Number.isInteger(batch) && batch > 0) || !(Number.isInteger(threads) && threads >= 0))
    usage('--batch must be a positive integer, --threads a non-negative one');

function readOrDie(path) {
    try {
        return readFileSync(path);
    } catch (e) {
        usage(`${path}: ${e.message}`);
    }
}

// A file's bytes, gunzipped when it starts with the gzip magic.
function readMaybeGzip(path) {
    const b = readOrDie(path);
    return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
}

// IDX: magic 0x0000_08_NDIM (unsigned bytes), big-endian dimensions, then the data.
function readIdx(path, wantDims) {
    const b = readMaybeGzip(path);
    if (b.length < 4 || b[0] !== 0 || b[1] !== 0 || b[2] !== 0x08 || b[3] !== wantDims)
        usage(`${path}: not an IDX file of unsigned bytes with ${wantDims} dimension(s)`);
    const dims = [];
    for (let k = 0; k < wantDims; ++k) dims.push(b.readUInt32BE(4 + 4 * k));
    const offset = 4 + 4 * wantDims;
    const count = dims.reduce((a, d) => a * d, 1);
    if (b.length !== offset + count) usage(`${path}: ${b.length - offset} data bytes for dimensions ${dims}`);
    return { dims, data: b.subarray(offset) };
}

let images, N, C, H, W;
if (options.shape) {
    [C, H, W] = options.shape.split(',').map(Number);
    if (![C, H, W].every((v) => Number.isInteger(v) && v > 0)) usage('--shape must be C,H,W');
    const bytes = readOrDie(options.images);
    const per = C * H * W;
    if (bytes.length % (4 * per) !== 0)
        usage(`${options.images}: ${bytes.length} bytes is not a whole number of ${C}x${H}x${W} float32 images`);
    N = bytes.length / (4 * per);
    // A Float32Array needs a 4-byte aligned offset: copy when the Buffer is not.
    images = bytes.byteOffset % 4 === 0
        ? new Float32Array(bytes.buffer, bytes.byteOffset, N * per)
        : new Float32Array(new Uint8Array(bytes).buffer);
} else {
    const idx = readIdx(options.images, 3);
    [N, H, W] = idx.dims;
    C = 1;
    images = new Float32Array(idx.data.length);
    for (let i = 0; i < idx.data.length; ++i) images[i] = idx.data[i] / 255; // float32(byte / 255)
}
const per = C * H * W;
if ((options.mean === null) !== (options.std === null)) usage('--mean and --std go together');
if (options.mean !== null) {
    const perChannel = (text, name) => {
        const v = text.split(',').map(Number);
        if (!v.every(Number.isFinite) || (v.length !== 1 && v.length !== C))
            usage(`--${name} needs one number or ${C} (one per channel)`);
        return v.length === 1 ? Array(C).fill(v[0]) : v;
    };
    const mean = perChannel(options.mean, 'mean'), std = perChannel(options.std, 'std');
    if (!std.every((s) => s > 0)) usage('--std values must be positive');
    images = new Float32Array(images); // a copy: the view may share its buffer
    const plane = H * W;
    for (let i = 0; i < N; ++i)
        for (let c = 0; c < C; ++c) {
            const m = Math.fround(mean[c]), s = Math.fround(std[c]);
            for (let k = (i * C + c) * plane, e = k + plane; k < e; ++k) images[k] = Math.fround(Math.fround(images[k] - m) / s);
        }
}
let labels = null;
if (options.labels) {
    labels = readIdx(options.labels, 1).data;
    if (labels.length !== N) usage(`${options.labels}: ${labels.length} labels for ${N} images`);
}

const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: options.opt,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
});
const inputName = session.inputNames[0];
const outputName = session.outputNames[0];

const t0 = process.hrtime.bigint();
let logits = null;
let classes = 0;
const dumped = new Map(); // output name -> Float32Array chunks
for (let b = 0; b < N; b += batch) {
    const n = Math.min(batch, N - b);
    const x = new ort.Tensor('float32', images.subarray(b * per, (b + n) * per), [n, C, H, W]);
    const results = await session.run({ [inputName]: x });
    const out = results[outputName];
    if (logits === null) {
        classes = out.dims[1];
        logits = new Float32Array(N * classes);
    }
    logits.set(out.data, b * classes);
    if (options.dump)
        for (const name of session.outputNames.slice(1)) {
            if (!dumped.has(name)) dumped.set(name, []);
            dumped.get(name).push(new Float32Array(results[name].data)); // (u)int8 -> float32
        }
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
if (options.out) writeFileSync(options.out, Buffer.from(logits ? logits.buffer : new ArrayBuffer(0)));
for (const [name, chunks] of dumped) {
    const all = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
        all.set(c, offset);
        offset += c.length;
    }
    writeFileSync(`${options.dump}/${name}.f32`, Buffer.from(all.buffer));
}

let accuracy = null;
if (labels) {
    let correct = 0;
    for (let i = 0; i < N; ++i) {
        let best = 0;
        for (let k = 1; k < classes; ++k) if (logits[i * classes + k] > logits[i * classes + best]) best = k;
        correct += best === labels[i] ? 1 : 0;
    }
    accuracy = correct / N;
}
console.log(JSON.stringify({
    onnxruntime: ort.env.versions?.node ?? 'unknown',
    model: modelPath, images: N, classes, accuracy, batch, threads, optimization: options.opt, seconds,
}));
