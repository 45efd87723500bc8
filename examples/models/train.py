#!/usr/bin/env python3
"""Trains the example models of xbar and exports them to ONNX with PyTorch.

Run from the repository root with Debian's PyTorch (`apt-get install python3-torch`):

    /usr/bin/python3 examples/models/train.py

It reads the MNIST test set committed in examples/data/mnist (`t10k-images-idx3-ubyte.gz`,
`t10k-labels-idx1-ubyte.gz`; Y. LeCun, C. Cortes, C. J. C. Burges, CC BY-SA 3.0; another folder with
the same files can be given with `--mnist-dir`).

Models (each in its own folder under examples/models/):

* mnist-mlp-pca: MNIST 28x28 digits flattened to 784 pixels scaled to [0, 1].
  Trained on images 0..7999 of the MNIST test set, evaluated on images 8000..9999.
  PCA (32 components) is fitted on the 8000 training images with a float64 eigen-decomposition of
  their covariance and exported as the first Linear layer of the ONNX model (weights = components,
  bias = -components . mean), followed by Linear(32, 64), ReLU, Linear(64, 10): outputs are logits.
  The evaluation images (8000..9999) are copied to examples/data/mnist/ as IDX files.
* fashion-resnet: a ResNet-8 (He et al. 2016: a 3x3 conv stem, three stages of one basic block
  each with 16, 32 and 64 channels, strides 1, 2, 2, 1x1 projection shortcuts, BatchNorm folded into
  every conv before export, global average pooling, Linear(64, 10); outputs logits) on Fashion-MNIST
  28x28 (pixel / 255), trained for 3 epochs on the 60000 training images of Debian's
  dataset-fashion-mnist (/usr/share/datasets/fashion-mnist, or --fashion-dir), evaluated on the
  10000 test images (H. Xiao, K. Rasul, R. Vollgraf 2017, MIT license).
* fashion-lstm: Fashion-MNIST images read row by row as sequences of 28 steps of 28 pixels
  (pixel / 255, input 28x28 = time x features): LSTM(28 -> 64, batch first), its last hidden state,
  Linear(64, 10); outputs logits. Trained for 3 epochs on the 60000 training images, evaluated on the
  10000 test images.
* fashion-transformer: Fashion-MNIST 1x28x28 (pixel / 255) cut into 16 patches of 7x7 by a
  Conv(1->32, 7x7, stride 7), a learned position embedding added, two transformer encoder layers
  (PyTorch's TransformerEncoderLayer: 4 heads, feed-forward 64, GELU, LayerNorm after each block, no
  dropout), mean over the patches, Linear(32, 10); outputs logits. Trained for 3 epochs on the 60000
  training images, evaluated on the 10000 test images.
* digits-cnn (BatchNorm folded into the first conv before export, as the exporter would do anyway):
  scikit-learn's 8x8 digits (values 0..16 divided by 16), input 1x8x8.
  Trained on digits 0..1499 of examples/data/digits/digits.csv.gz, evaluated on digits 1500..1796.
  Conv(1->8, 3x3, pad 1), BatchNorm, ReLU, MaxPool 2x2, Conv(8->16, 3x3, pad 1), ReLU, AvgPool 2x2,
  x.view(x.size(0), -1), Dropout, Linear(64, 10), Softmax: outputs are class probabilities.

Next to each model.onnx the script saves `inputs.npy` (float32, a fixed batch of 64 evaluation inputs),
`outputs.npy` (float64: PyTorch's outputs on those inputs, computed in float64 from the exported float32
weights), `outputs-float32.npy` (PyTorch's float32 outputs) and `metrics.json` (accuracies).
"""
import argparse
import gzip
import json
import os
import struct

import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, 'examples', 'models')
DATA = os.path.join(ROOT, 'examples', 'data')
OPSET = 13
BATCH_SAVED = 64


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    magic, = struct.unpack('>I', raw[:4])
    rank = magic & 0xFF
    dims = struct.unpack('>' + 'I' * rank, raw[4:4 + 4 * rank])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def write_idx_gz(path, array):
    header = struct.pack('>I', 0x0800 | array.ndim) + struct.pack('>' + 'I' * array.ndim, *array.shape)
    # mtime=0 keeps the file byte-identical between runs
    with open(path, 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', mtime=0, filename='') as f:
        f.write(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def train(model, x, y, epochs, batch, lr, seed):
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(x.shape[0], generator=generator)
        for start in range(0, x.shape[0], batch):
            index = order[start:start + batch]
            optimiser.zero_grad()
            loss = loss_fn(model.logits(x[index]), y[index])
            loss.backward()
            optimiser.step()
    model.eval()


def accuracy(outputs, labels):
    return float((outputs.argmax(dim=1) == labels).double().mean())


def in_chunks(model, x, size=1000):
    # a large dataset in one batch would need tens of GB for the activations of a CNN
    return torch.cat([model(x[start:start + size]) for start in range(0, x.shape[0], size)])


def export(model, name, x_eval, y_eval, x_train, y_train, description):
    folder = os.path.join(MODELS, name)
    os.makedirs(folder, exist_ok=True)
    model.eval()
    if hasattr(model, 'fuse_batch_norm'):
        model.fuse_batch_norm()
    path = os.path.join(folder, 'model.onnx')
    torch.onnx.export(
        model, x_eval[:1], path, opset_version=OPSET, input_names=['input'], output_names=['output'],
        dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}}, do_constant_folding=True)
    inputs = x_eval[:BATCH_SAVED]
    with torch.no_grad():
        out32 = model(inputs)
        model64 = model.double()
        out64 = model64(inputs.double())
        eval64 = in_chunks(model64, x_eval.double())
        train64 = in_chunks(model64, x_train.double())
        model.float()
        eval32 = in_chunks(model, x_eval)
    np.save(os.path.join(folder, 'inputs.npy'), inputs.numpy().astype(np.float32))
    np.save(os.path.join(folder, 'outputs.npy'), out64.numpy().astype(np.float64))
    np.save(os.path.join(folder, 'outputs-float32.npy'), out32.numpy().astype(np.float32))
    metrics = dict(description,
                   opset=OPSET,
                   evalAccuracy=accuracy(eval64, y_eval),
                   evalAccuracyFloat32=accuracy(eval32, y_eval),
                   trainAccuracy=accuracy(train64, y_train),
                   evalCount=int(x_eval.shape[0]),
                   trainCount=int(x_train.shape[0]),
                   savedBatch=BATCH_SAVED,
                   torchVersion=torch.__version__)
    with open(os.path.join(folder, 'metrics.json'), 'w') as f:
        json.dump(metrics, f, indent=2)
        f.write('\n')
    print(name, json.dumps(metrics))


class MlpWithPca(nn.Module):
    def __init__(self, components, mean):
        super().__init__()
        self.pca = nn.Linear(components.shape[1], components.shape[0])
        with torch.no_grad():
            self.pca.weight.copy_(torch.from_numpy(components))
            self.pca.bias.copy_(torch.from_numpy(-components @ mean))
        self.pca.weight.requires_grad_(False)
        self.pca.bias.requires_grad_(False)
        self.hidden = nn.Linear(components.shape[0], 64)
        self.out = nn.Linear(64, 10)

    def logits(self, x):
        return self.out(torch.relu(self.hidden(self.pca(x))))

    def forward(self, x):
        return self.logits(x)


class DigitsCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(64, 10)

    def fuse_batch_norm(self):
        # The ONNX exporter folds eval-mode BatchNorm into the conv in float32; folding it here first
        # makes the saved PyTorch outputs come from exactly the weights in the ONNX file.
        self.conv1 = torch.nn.utils.fusion.fuse_conv_bn_eval(self.conv1, self.bn1)
        self.bn1 = nn.Identity()

    def logits(self, x):
        x = nn.functional.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        # count_include_pad=False: with it True PyTorch 1.13 exports a Pad node before AveragePool (no padding here anyway)
        x = nn.functional.avg_pool2d(torch.relu(self.conv2(x)), 2, count_include_pad=False)
        x = x.view(x.size(0), -1)
        return self.fc(self.drop(x))

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=1)


def mnist_mlp(mnist_dir):
    images = read_idx(os.path.join(mnist_dir, 't10k-images-idx3-ubyte.gz'))
    labels = read_idx(os.path.join(mnist_dir, 't10k-labels-idx1-ubyte.gz'))
    x = images.reshape(-1, 784).astype(np.float32) / np.float32(255)
    y = labels.astype(np.int64)
    x_train, y_train, x_eval, y_eval = x[:8000], y[:8000], x[8000:], y[8000:]
    train64 = x_train.astype(np.float64)
    mean = train64.mean(axis=0)
    covariance = (train64 - mean).T @ (train64 - mean) / (train64.shape[0] - 1)
    values, vectors = np.linalg.eigh(covariance)
    order = np.argsort(values)[::-1][:32]
    components = vectors[:, order].T
    # sign convention: the largest-magnitude entry of each component is positive (as core's fitPca)
    signs = np.sign(components[np.arange(32), np.abs(components).argmax(axis=1)])
    components = (components * signs[:, None]).astype(np.float32)
    torch.manual_seed(1)
    model = MlpWithPca(components, mean.astype(np.float32))
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    train(model, xt, yt, epochs=40, batch=128, lr=2e-3, seed=1)
    export(model, 'mnist-mlp-pca', torch.from_numpy(x_eval), torch.from_numpy(y_eval), xt, yt, {
        'model': 'MLP with PCA inputs: PCA(784->32) as Linear, Linear(32,64), ReLU, Linear(64,10); outputs logits',
        'input': 'MNIST 28x28 pixels flattened to 784, scaled to [0, 1] (pixel / 255)',
        'train': 'MNIST test set images 0..7999 (t10k-images-idx3-ubyte.gz)',
        'eval': 'MNIST test set images 8000..9999 (t10k-images-idx3-ubyte.gz)',
        'pca': '32 components fitted on the 8000 training images, float64 eigh of the covariance, exported as the first Linear layer',
    })


def digits_cnn():
    with gzip.open(os.path.join(DATA, 'digits', 'digits.csv.gz'), 'rt') as f:
        table = np.loadtxt(f, delimiter=',')
    x = (table[:, :64] / 16).astype(np.float32).reshape(-1, 1, 8, 8)
    y = table[:, 64].astype(np.int64)
    x_train, y_train, x_eval, y_eval = x[:1500], y[:1500], x[1500:], y[1500:]
    torch.manual_seed(2)
    model = DigitsCnn()
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    train(model, xt, yt, epochs=60, batch=64, lr=3e-3, seed=2)
    export(model, 'digits-cnn', torch.from_numpy(x_eval), torch.from_numpy(y_eval), xt, yt, {
        'model': 'CNN: Conv(1->8,3x3,pad 1), BatchNorm, ReLU, MaxPool 2, Conv(8->16,3x3,pad 1), ReLU, AvgPool 2, view(B,-1), Dropout, Linear(64,10), Softmax; outputs probabilities',
        'input': 'scikit-learn digits 1x8x8, values 0..16 divided by 16',
        'train': 'digits 0..1499 of examples/data/digits/digits.csv.gz',
        'eval': 'digits 1500..1796 of examples/data/digits/digits.csv.gz',
    })


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.project = nn.Conv2d(cin, cout, 1, stride, bias=False) if stride != 1 or cin != cout else None
        self.bn_project = nn.BatchNorm2d(cout) if self.project is not None else None

    def fuse_batch_norm(self):
        fuse = torch.nn.utils.fusion.fuse_conv_bn_eval
        self.conv1, self.bn1 = fuse(self.conv1, self.bn1), nn.Identity()
        self.conv2, self.bn2 = fuse(self.conv2, self.bn2), nn.Identity()
        if self.project is not None:
            self.project, self.bn_project = fuse(self.project, self.bn_project), nn.Identity()

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        shortcut = x if self.project is None else self.bn_project(self.project(x))
        return torch.relu(y + shortcut)


class FashionResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.blocks = nn.Sequential(BasicBlock(16, 16, 1), BasicBlock(16, 32, 2), BasicBlock(32, 64, 2))
        self.fc = nn.Linear(64, 10)

    def fuse_batch_norm(self):
        self.stem, self.bn = torch.nn.utils.fusion.fuse_conv_bn_eval(self.stem, self.bn), nn.Identity()
        for block in self.blocks:
            block.fuse_batch_norm()

    def logits(self, x):
        x = self.blocks(torch.relu(self.bn(self.stem(x))))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))

    def forward(self, x):
        return self.logits(x)


def load_fashion(fashion_dir, kind, shape):
    images = read_idx(os.path.join(fashion_dir, f'{kind}-images-idx3-ubyte.gz'))
    labels = read_idx(os.path.join(fashion_dir, f'{kind}-labels-idx1-ubyte.gz'))
    return torch.from_numpy(images.reshape(-1, *shape).astype(np.float32) / np.float32(255)), torch.from_numpy(labels.astype(np.int64))


class FashionLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(28, 64, batch_first=True)
        self.fc = nn.Linear(64, 10)

    def logits(self, x):
        _, (h, _) = self.rnn(x)
        return self.fc(h[-1])

    def forward(self, x):
        return self.logits(x)


class FashionTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.patches = nn.Conv2d(1, 32, 7, 7)
        self.position = nn.Parameter(torch.zeros(1, 16, 32))
        layer = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, activation='gelu', batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.fc = nn.Linear(32, 10)

    def logits(self, x):
        tokens = self.patches(x).flatten(2).transpose(1, 2) + self.position
        return self.fc(self.encoder(tokens).mean(1))

    def forward(self, x):
        return self.logits(x)


FASHION_TRAIN = 'the 60000 Fashion-MNIST training images (train-images-idx3-ubyte.gz), 3 epochs'
FASHION_EVAL = 'the 10000 Fashion-MNIST test images (t10k-images-idx3-ubyte.gz)'

# name: (model class, input shape per image, seed, learning rate, description of the model, of its input)
FASHION_EXAMPLES = {
    'fashion-resnet': (FashionResNet, (1, 28, 28), 3, 2e-3,
                       'ResNet-8: Conv(1->16,3x3) BN ReLU, basic blocks 16 (stride 1), 32 (stride 2), 64 (stride 2) with 1x1 projections, BN folded into the convs, global average pool, Linear(64,10); outputs logits',
                       'Fashion-MNIST 1x28x28, pixel / 255'),
    'fashion-lstm': (FashionLstm, (28, 28), 5, 3e-3,
                     'LSTM(28->64, batch first) over the 28 rows, last hidden state, Linear(64,10); outputs logits',
                     'Fashion-MNIST 28x28 (rows as time steps), pixel / 255'),
    'fashion-transformer': (FashionTransformer, (1, 28, 28), 7, 2e-3,
                            'Conv(1->32, 7x7, stride 7) patches + learned positions, 2 TransformerEncoderLayers (4 heads, feed-forward 64, GELU, post-norm), mean over patches, Linear(32,10); outputs logits',
                            'Fashion-MNIST 1x28x28, pixel / 255'),
}


def fashion_example(fashion_dir, name):
    create, shape, seed, lr, model_text, input_text = FASHION_EXAMPLES[name]
    x_train, y_train = load_fashion(fashion_dir, 'train', shape)
    x_eval, y_eval = load_fashion(fashion_dir, 't10k', shape)
    torch.manual_seed(seed)
    model = create()
    train(model, x_train, y_train, epochs=3, batch=128, lr=lr, seed=seed)
    export(model, name, x_eval, y_eval, x_train, y_train, {'model': model_text, 'input': input_text, 'train': FASHION_TRAIN, 'eval': FASHION_EVAL})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--mnist-dir', default=os.environ.get('MNIST_DIR', os.path.join(DATA, 'mnist')),
                        help='folder with the original t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz')
    parser.add_argument('--fashion-dir', default='/usr/share/datasets/fashion-mnist',
                        help='folder with the Fashion-MNIST IDX files (Debian dataset-fashion-mnist)')
    parser.add_argument('--only', choices=['mnist-mlp-pca', 'digits-cnn', *FASHION_EXAMPLES], help='train one model only')
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.only in (None, 'mnist-mlp-pca'):
        mnist_mlp(args.mnist_dir)
    if args.only in (None, 'digits-cnn'):
        digits_cnn()
    for name in FASHION_EXAMPLES:
        if args.only in (None, name):
            torch.set_num_threads(2)
            fashion_example(args.fashion_dir, name)


if __name__ == '__main__':
    main()
