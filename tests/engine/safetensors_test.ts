import assert from "node:assert/strict";
import { CpuDevice } from "../../engine/cpu_device.ts";
import { SageModel } from "../../engine/sage_model.ts";
import { loadSageModel, saveSageModel } from "../../engine/sage_model_file.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafeTensor,
  SafetensorsFormatError,
} from "../../engine/safetensors.ts";
import { uploadBlock } from "./_blocks.ts";
import { readSpec } from "./_safetensors_spec.ts";

Deno.test("encodeSafetensors writes what the specification says, read back by an independent reader", () => {
  const tensors = new Map<string, SafeTensor>([
    ["b", { dtype: "F32", shape: [3], data: new Float32Array([1.5, -2, 3.25]) }],
    ["a", { dtype: "F32", shape: [2, 2], data: new Float32Array([0.1, 0.2, 0.3, 0.4]) }],
    ["bytes", { dtype: "U8", shape: [3], data: new Uint8Array([7, 8, 9]) }],
    ["ids", { dtype: "I32", shape: [1], data: new Int32Array([-5]) }],
  ]);
  const bytes = encodeSafetensors(tensors, { format: "pt", note: "é" });
  const { header, order, values } = readSpec(bytes);
  assert.deepEqual(header.__metadata__, { format: "pt", note: "é" });
  // The reference writer's order: larger elements first, then by name.
  assert.deepEqual(order, ["a", "b", "ids", "bytes"]);
  assert.deepEqual(values.get("a")!.values, Array.from(new Float32Array([0.1, 0.2, 0.3, 0.4])));
  assert.deepEqual(values.get("b"), { shape: [3], values: [1.5, -2, 3.25] });
  const back = decodeSafetensors(bytes);
  assert.deepEqual(back.tensors.get("ids"), {
    dtype: "I32",
    shape: [1],
    data: new Int32Array([-5]),
  });
  assert.deepEqual(back.tensors.get("bytes")!.data, new Uint8Array([7, 8, 9]));
  assert.deepEqual(back.metadata, { format: "pt", note: "é" });
});

Deno.test("decodeSafetensors reads the reference implementation's unpadded example", () => {
  // From the reference crate's documentation: a 60-byte header, one I32 [2, 2].
  const json = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';
  const bytes = new Uint8Array(8 + json.length + 16);
  bytes[0] = 0x3c;
  bytes.set(new TextEncoder().encode(json), 8);
  bytes[8 + json.length] = 1;
  const t = decodeSafetensors(bytes).tensors.get("test")!;
  assert.deepEqual(t.shape, [2, 2]);
  assert.deepEqual(Array.from(t.data), [1, 0, 0, 0]);
});

Deno.test("decodeSafetensors rejects files that break the specification, naming the file", () => {
  const good = encodeSafetensors(
    new Map([["w", { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) }]]),
  );
  const withHeader = (json: string, data: number) => {
    const h = new TextEncoder().encode(json);
    const b = new Uint8Array(8 + h.length + data);
    new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
    b.set(h, 8);
    return b;
  };
  const cases: [Uint8Array, RegExp][] = [
    [good.subarray(0, 5), /m\.safetensors: 5 bytes, expected at least/],
    [good.subarray(0, good.length - 1), /tensors end at byte/],
    [withHeader("[1]", 0), /not a JSON object/],
    [withHeader('{"w":{"dtype":"F17","shape":[1],"data_offsets":[0,4]}}', 4), /tensor w is/],
    [withHeader('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', 4), /need 8/],
    [
      withHeader(
        '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}',
        12,
      ),
      /tensor b starts at 8 in the data buffer, expected 4/,
    ],
    [withHeader('{"__metadata__":{"n":1}}', 0), /__metadata__\.n is not a string/],
  ];
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 200_000_000n, true);
  cases.push([huge, /above the 100000000-byte limit/]);
  for (const [bytes, why] of cases) {
    assert.throws(() => decodeSafetensors(bytes, "m.safetensors"), (e: Error) => {
      assert.ok(e instanceof SafetensorsFormatError, e.message);
      assert.match(e.message, why);
      return true;
    });
  }
});

Deno.test("saveSageModel writes PyG GraphSAGE's state_dict names and shapes; loadSageModel gives back the same model", async () => {
  const device = new CpuDevice({ threads: 1, notice: () => {} });
  const dir = await Deno.makeTempDir();
  try {
    const model = new SageModel(device, { inDim: 5, hidden: 8, outDim: 4, numLayers: 3, seed: 3 });
    const path = `${dir}/sage.safetensors`;
    await saveSageModel(path, device, model, { fanout: "3,2,1", dataset: "toy" });
    const { header, values } = readSpec(await Deno.readFile(path));
    // GraphSAGE(5, 8, 3, 4).state_dict(), as PyTorch names and shapes it.
    const want: Record<string, number[]> = {
      "convs.0.lin_l.weight": [8, 5],
      "convs.0.lin_l.bias": [8],
      "convs.0.lin_r.weight": [8, 5],
      "convs.1.lin_l.weight": [8, 8],
      "convs.1.lin_l.bias": [8],
      "convs.1.lin_r.weight": [8, 8],
      "convs.2.lin_l.weight": [4, 8],
      "convs.2.lin_l.bias": [4],
      "convs.2.lin_r.weight": [4, 8],
    };
    assert.deepEqual(
      Object.fromEntries([...values].map(([k, v]) => [k, v.shape])),
      want,
    );
    assert.ok(Object.values(header).every((t) => (t as { dtype?: string }).dtype !== "F64"));
    const meta = header.__metadata__ as Record<string, string>;
    assert.equal(meta.in_channels, "5");
    assert.equal(meta.hidden_channels, "8");
    assert.equal(meta.num_layers, "3");
    assert.equal(meta.out_channels, "4");
    assert.equal(meta.fanout, "3,2,1");
    assert.equal(meta.dataset, "toy");
    // lin_l holds W_neigh and the bias, lin_r W_self, each transposed to [out, in]:
    // layer 0's flat weight is [W_self; W_neigh], 2 x 5 rows of 8.
    const flat = await device.read(model.parameters, "f32");
    const [self, neigh] = [
      values.get("convs.0.lin_r.weight")!,
      values.get("convs.0.lin_l.weight")!,
    ];
    assert.equal(self.values[2 * 5 + 3], flat[3 * 8 + 2]);
    assert.equal(neigh.values[2 * 5 + 3], flat[(5 + 3) * 8 + 2]);
    const bias = model.slots().find((s) => s.layer === 0 && s.kind === "bias")!;
    assert.deepEqual(
      values.get("convs.0.lin_l.bias")!.values,
      Array.from(flat.slice(bias.offset, bias.offset + 8)),
    );
    // PyTorch's initialisation: weights and biases within 1/sqrt(fan_in).
    for (const [name, t] of values) {
      const bound = 1 / Math.sqrt(name.startsWith("convs.0") ? 5 : 8);
      assert.ok(t.values.every((v) => Math.abs(v) <= bound), `${name} within ${bound}`);
    }

    const loaded = await loadSageModel(device, path);
    assert.deepEqual(await device.read(loaded.model.parameters, "f32"), flat);
    assert.equal(loaded.metadata.dataset, "toy");
    // Same predictions from both.
    const blocks = [
      {
        numDst: 4,
        numSrc: 6,
        indptr: new Int32Array([0, 2, 3, 3, 5]),
        indices: new Int32Array([1, 5, 0, 4, 2]),
      },
      {
        numDst: 3,
        numSrc: 4,
        indptr: new Int32Array([0, 1, 2, 4]),
        indices: new Int32Array([3, 0, 1, 2]),
      },
      {
        numDst: 2,
        numSrc: 3,
        indptr: new Int32Array([0, 2, 3]),
        indices: new Int32Array([1, 2, 0]),
      },
    ].map((b) => uploadBlock(device, b));
    const x = device.createBuffer(6 * 5 * 4, "x");
    device.write(x, Float32Array.from({ length: 30 }, (_, i) => Math.sin(i)));
    const logits = async (m: SageModel) => {
      const out = m.predict(blocks, x);
      const v = await device.read(out, "f32", 0, 8);
      device.release(out);
      return v;
    };
    assert.deepEqual(await logits(loaded.model), await logits(model));
    for (const b of blocks) b.release();
    device.release(x);
    model.destroy();
    loaded.model.destroy();
  } finally {
    device.destroy();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadSageModel refuses a file of another shape, naming the tensor and both shapes", async () => {
  const device = new CpuDevice({ threads: 1, notice: () => {} });
  try {
    const small = new SageModel(device, { inDim: 5, hidden: 8, outDim: 4, numLayers: 2 });
    const other = new SageModel(device, { inDim: 5, hidden: 6, outDim: 4, numLayers: 2 });
    const { sageStateDict, loadSageStateDict } = await import("../../engine/sage_state_dict.ts");
    const state = await sageStateDict(device, small);
    assert.throws(
      () => loadSageStateDict(device, other, state, "m.safetensors"),
      /m\.safetensors does not fit GraphSAGE\(5, 6, 2, 4\): convs\.0\.lin_l\.weight is \[8,5\] there, this model's is \[6,5\] \(it holds GraphSAGE\(5, 8, 2, 4\)\)/,
    );
    state.delete("convs.1.lin_r.weight");
    assert.throws(
      () => loadSageStateDict(device, small, state, "m"),
      /convs\.1\.lin_r\.weight is missing/,
    );
    small.destroy();
    other.destroy();
  } finally {
    device.destroy();
  }
});
