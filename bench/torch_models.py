"""The lab's seven architectures in plain PyTorch (eager), for `bench/learner_wait.py`.

The same layers, sizes and trainable parameter count as `aelib.build` at the same
hyperparameters (PyTorch's LSTM has a second bias vector that Keras's lacks: it is held at zero
and not trained), the same losses (mean per-pixel binary cross-entropy; the sparse model's L1
activity penalty; the VAE's per-pixel negative ELBO), trained the way a PyTorch user would:
Adam, a shuffled pass per epoch, validation on the test images after each.
"""

from __future__ import annotations

import math
import os

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from aelib.architectures import input_layout
from aelib.architectures.plans import decoder_plan

INPUT_LAYOUTS = {"dense": "flat", "vae": "flat", "conv": "image", "lstm": "sequence"}
MODULES = {"dense": "dense", "sparse": "dense", "deep": "dense", "conv": "conv",
           "denoising": "conv", "lstm": "lstm", "vae": "vae"}


class Dense(nn.Module):
    """dense, sparse and deep: ReLU layers to the code, mirrored, sigmoid out."""

    def __init__(self, hparams, pixels):
        super().__init__()
        units = list(hparams.get("hidden_units") or (hparams["encoding_dim"],))
        sizes = [pixels, *units]
        self.encoder = nn.Sequential(*[layer for a, b in zip(sizes, sizes[1:])
                                       for layer in (nn.Linear(a, b), nn.ReLU())])
        back = sizes[::-1]
        layers = [layer for a, b in zip(back, back[1:-1]) for layer in (nn.Linear(a, b), nn.ReLU())]
        self.decoder = nn.Sequential(*layers, nn.Linear(back[-2], back[-1]), nn.Sigmoid())
        self.l1 = hparams.get("l1", 0.0)

    def forward(self, x):
        code = self.encoder(x)
        penalty = self.l1 * code.abs().sum() / len(x) if self.l1 else 0.0
        return self.decoder(code), penalty


class Conv(nn.Module):
    """conv and denoising: Conv2D + pooling down, Conv2D + upsampling back, as aelib plans it,
    on images shaped (height, width, channels)."""

    def __init__(self, hparams, image_shape):
        super().__init__()
        filters = hparams["filters"]
        self.noise_factor = hparams.get("noise_factor", 0.0)
        height, width, image_channels = image_shape
        layers, channels = [], image_channels
        for n in filters:
            layers += [nn.Conv2d(channels, n, 3, padding=1), nn.ReLU(),
                       nn.MaxPool2d(2, ceil_mode=True)]
            channels = n
        self.encoder = nn.Sequential(*layers)
        levels, _ = decoder_plan(filters, (height, width))
        layers = []
        for n, padding in levels:
            layers += [nn.Conv2d(channels, n, 3, padding=1 if padding == "same" else 0),
                       nn.ReLU(), nn.Upsample(scale_factor=2)]
            channels = n
        self.decoder = nn.Sequential(*layers)
        self.out = nn.Conv2d(channels, image_channels, 3, padding=1)
        self.size = (height, width)

    def forward(self, x):
        if self.training and self.noise_factor:
            x = torch.clamp(x + self.noise_factor * torch.randn_like(x), 0.0, 1.0)
        y = self.decoder(self.encoder(x))[:, :, :self.size[0], :self.size[1]]
        return torch.sigmoid(self.out(y)), 0.0


def _keras_like_lstm(inputs, units):
    lstm = nn.LSTM(inputs, units, batch_first=True)
    nn.init.zeros_(lstm.bias_hh_l0)
    lstm.bias_hh_l0.requires_grad_(False)  # Keras's LSTM has one bias vector
    return lstm


class LSTM(nn.Module):
    """An image as a sequence of rows (each of width x channels values): LSTM to a code,
    repeated, LSTM back, sigmoid rows."""

    def __init__(self, hparams, image_shape):
        super().__init__()
        self.steps, row = input_layout("sequence", image_shape)
        self.encoder = _keras_like_lstm(row, hparams["latent_dim"])
        self.decoder = _keras_like_lstm(hparams["latent_dim"], hparams["decoder_units"])
        self.out = nn.Linear(hparams["decoder_units"], row)

    def forward(self, x):
        code = self.encoder(x)[0][:, -1]
        y, _ = self.decoder(code.unsqueeze(1).expand(-1, self.steps, -1))
        return torch.sigmoid(self.out(y)), 0.0


class VAE(nn.Module):
    """Dense encoder to (mean, log-variance), reparameterised sample, dense decoder."""

    def __init__(self, hparams, pixels):
        super().__init__()
        hidden, latent = hparams["intermediate_dim"], hparams["latent_dim"]
        self.hidden = nn.Linear(pixels, hidden)
        self.z_mean, self.z_log_var = nn.Linear(hidden, latent), nn.Linear(hidden, latent)
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(),
                                     nn.Linear(hidden, pixels), nn.Sigmoid())
        tutorial = hparams.get("loss_weighting") == "tutorial"
        self.kl_weight = hparams["beta"] if tutorial else hparams["beta"] / pixels

    def forward(self, x):
        h = functional.relu(self.hidden(x))
        mean, log_var = self.z_mean(h), self.z_log_var(h)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean) if self.training else mean
        kl = (-0.5 * (1 + log_var - mean.square() - log_var.exp()).sum(dim=-1)).mean()
        return self.decoder(z), self.kl_weight * kl


def torch_model(architecture: str, hparams: dict, image_shape: tuple[int, int, int]
                ) -> nn.Module:
    """The architecture in PyTorch, with as many trainable parameters as aelib's, for images
    shaped (height, width, channels)."""
    module = MODULES[architecture]
    pixels = math.prod(image_shape)
    if module == "dense":
        return Dense(hparams, pixels)
    if module == "vae":
        return VAE(hparams, pixels)
    return Conv(hparams, image_shape) if module == "conv" else LSTM(hparams, image_shape)


def trainable_parameters(model: nn.Module) -> int:
    """Trainable parameters, to compare with aelib's count."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _layout(architecture: str, images: np.ndarray, image_shape) -> torch.Tensor:
    """Images (n, height, width, channels) as the PyTorch model reads them: aelib's layout
    (`aelib.architectures.input_layout`), with the channels first for the conv models."""
    mode = INPUT_LAYOUTS[MODULES[architecture]]
    images = images.reshape(len(images), *input_layout(mode, image_shape))
    if mode == "image":
        images = images.transpose(0, 3, 1, 2)  # (n, channels, height, width)
    return torch.from_numpy(np.ascontiguousarray(images))


def train_torch(model: nn.Module, setup, data, seed: int) -> float:
    """Train as the setup says on all CPUs Keras would use; returns the last validation loss."""
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    training = setup.training
    x = _layout(setup.architecture, data.x_train, data.image_shape)
    x_test = _layout(setup.architecture, data.x_test, data.image_shape)
    size = training["batch_size"]
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(trainable, lr=training["learning_rate"])
    generator = torch.Generator().manual_seed(seed)
    val_loss = float("nan")
    for _ in range(training["epochs"]):
        model.train()
        for batch in torch.randperm(len(x), generator=generator).split(size):
            inputs = x[batch]
            outputs, extra = model(inputs)
            loss = functional.binary_cross_entropy(outputs, inputs) + extra
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            total = 0.0
            for start in range(0, len(x_test), size):
                inputs = x_test[start:start + size]
                outputs, extra = model(inputs)
                loss = functional.binary_cross_entropy(outputs, inputs) + extra
                total += float(loss) * len(inputs)
            val_loss = total / len(x_test)
    return val_loss
