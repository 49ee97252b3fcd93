"""Show the code: for a setup, the equivalent short Keras 3 script and the `aelib` lines.

The Keras script is what the model is without aelib: the layers spelled out (the same layers,
sizes and parameter count that `aelib.build` makes, in an encoder and a decoder model as the
tutorial has them), `compile` and `fit` in the tutorial's style. Only the data comes from aelib
(the bundled MNIST sample works offline); the comment next to it gives the tutorial's
`keras.datasets` line. The script ends by saving the trained model as a `.keras` file with the
lab's `aelib.json` member, written with the standard library, so the lab opens it
(`aelib.load_model_file`, the Runs page's upload). Both texts run as they are.
"""

from __future__ import annotations

from aelib.architectures import KERAS_LOSSES, REGISTRY, input_layout
from aelib.architectures.plans import decoder_plan, halved_sizes, upsampled_crop
from aelib.architectures.topk import AUX_K_FACTOR, AUX_WEIGHT
from aelib.runs.links import Setup
from aelib.model.files import METADATA_MEMBER, model_metadata
from aelib.settings import OPTIMIZERS

# Optimizer name -> its class in `keras.optimizers`, as the script spells it.
OPTIMIZER_CLASSES = {name: class_name for name, (class_name, _) in OPTIMIZERS.items()}


def aelib_lines(setup: Setup) -> str:
    """The setup as `aelib` calls: build, data, train."""
    hparams = "".join(f", {name}={value!r}" for name, value in setup.hparams.items())
    training = ", ".join(f"{name}={value!r}" for name, value in setup.training.items())
    return (f"import aelib\n\n"
            f"ae = aelib.build({setup.architecture!r}, seed={setup.training['seed']}{hparams})\n"
            f"data = aelib.load_dataset({setup.dataset!r}).subset({setup.train_size}, None, "
            f"seed={setup.training['seed']})\n"
            f"result = aelib.train(ae, data, {training})\n")


def keras_script(setup: Setup, image_shape: tuple[int, int, int] = (28, 28, 1)) -> str:
    """A standalone Keras 3 script that builds, compiles and trains the setup's model for
    images shaped `image_shape` (height, width, channels: the dataset's), prints its parameter
    count and final validation loss, and saves it where the lab can open it
    (`<architecture>_autoencoder.keras` in the working directory)."""
    architecture = REGISTRY[setup.architecture]
    training, hparams = setup.training, setup.hparams
    shape = str((-1, *input_layout(architecture.input_mode, image_shape)))
    model = _MODEL_LINES[architecture.module](hparams, *image_shape)
    scheduled = bool(hparams.get("kl_warmup_epochs") or hparams.get("capacity_gamma"))
    noisy = ""
    if hparams.get("noise_factor"):
        noisy = (f"# The tutorial's noise, fixed once (aelib draws fresh noise every batch):\n"
                 f"rng = np.random.default_rng({training['seed']})\n"
                 f"x_train_in = np.clip(x_train + {hparams['noise_factor']!r} * "
                 f"rng.normal(size=x_train.shape), 0, 1).astype('float32')\n"
                 f"x_test_in = np.clip(x_test + {hparams['noise_factor']!r} * "
                 f"rng.normal(size=x_test.shape), 0, 1).astype('float32')\n")
    inputs = ("x_train_in", "x_test_in") if noisy else ("x_train", "x_test")
    # A variational model brings its own loss (reconstruction plus KL).
    loss = "" if architecture.variational else f', loss="{KERAS_LOSSES[hparams["loss"]]}"'
    imports = "import json\nimport zipfile\n\nimport keras\n" + \
        ("import numpy as np\n" if noisy else "") + \
        "from keras import layers" + (", ops" if architecture.module in ("vae", "topk") else "")
    seed = training["seed"]
    optimizer = (f"keras.optimizers.{OPTIMIZER_CLASSES[training['optimizer']]}"
                 f"(learning_rate={training['learning_rate']!r})")
    sizes = f"epochs={training['epochs']}, batch_size={training['batch_size']}"
    if scheduled:  # the schedules read the epoch, which a callback tells the model
        sizes += (",\n                          callbacks=[keras.callbacks.LambdaCallback("
                  "on_epoch_begin=lambda epoch, logs: autoencoder.epoch.assign(epoch))]")
    title = f"{architecture.title} autoencoder in plain Keras 3, as aelib builds and trains it."
    return f'''"""{title}"""
{imports}

import aelib  # only for the data (offline for the bundled MNIST sample and the shapes)

keras.utils.set_random_seed({seed})
# Online, as the tutorial did: (x_train, _), (x_test, _) = keras.datasets.mnist.load_data()
data = aelib.load_dataset({setup.dataset!r}).subset({setup.train_size}, None, seed={seed})
x_train = data.x_train.reshape{shape}  # pixels in [0, 1]
x_test = data.x_test.reshape{shape}
{noisy}
{model}
autoencoder.compile(optimizer={optimizer}{loss})
history = autoencoder.fit({inputs[0]}, x_train, {sizes},
                          shuffle=True, validation_data=({inputs[1]}, x_test))
print("parameters:", autoencoder.count_params())
print("val_loss:", history.history["val_loss"][-1])
{_save_lines(setup, image_shape)}'''


def _save_lines(setup: Setup, image_shape: tuple[int, int, int]) -> str:
    """Save the script's model with the member that tells the lab what it is."""
    path = f"{setup.architecture}_autoencoder.keras"
    metadata = model_metadata(setup.architecture, setup.hparams, image_shape,
                              setup.training["seed"])
    # A variational or TopK model's class above is the script's own; the lab needs only its
    # weights, which a plain functional model of the same layers holds.
    model = _SAVED_MODELS.get(REGISTRY[setup.architecture].module, "autoencoder")
    return f'''
# Save it for the lab (Runs, "Upload a model"): the .keras file, plus the member
# {METADATA_MEMBER} saying which of the lab's architectures and settings it is.
lab_metadata = {metadata!r}
{model}.save("{path}")
with zipfile.ZipFile("{path}", "a") as archive:
    archive.writestr("{METADATA_MEMBER}", json.dumps(lab_metadata))
print("saved:", "{path}")
'''


def _dense_lines(hparams, h, w, c):
    units = hparams.get("hidden_units") or (hparams["encoding_dim"],)
    l1 = hparams.get("l1", 0.0)
    regularizer = f", activity_regularizer=keras.regularizers.L1({l1!r})" if l1 > 0 else ""
    lines = [f"inputs = keras.Input(shape=({h * w * c},))", "x = inputs"]
    lines += [f'x = layers.Dense({n}, activation="relu")(x)' for n in units[:-1]]
    lines += [f'code = layers.Dense({units[-1]}, activation="relu"{regularizer})(x)', "x = code"]
    lines += [f'x = layers.Dense({n}, activation="relu")(x)' for n in reversed(units[:-1])]
    lines += [f'outputs = layers.Dense({h * w * c}, activation="sigmoid")(x)',
              "autoencoder = keras.Model(inputs, outputs)"]
    return "\n".join(lines)


def _topk_lines(hparams, h, w, c):
    pixels, units, k = h * w * c, hparams["encoding_dim"], hparams["k"]
    aux_k, aux_weight = min(AUX_K_FACTOR * k, units), AUX_WEIGHT
    return f'''def top_k_mask(scores, k):
    """1 for each row's k highest scores, 0 elsewhere."""
    _, indices = ops.top_k(scores, k)
    return ops.sum(ops.one_hot(indices, scores.shape[-1]), axis=1)


inputs = keras.Input(shape=({pixels},))
scores = layers.Dense({units})  # each code unit's score; the code keeps the top {k}
pixels_out = layers.Dense({pixels}, activation="sigmoid")
code_in = keras.Input(shape=({units},))
decoder = keras.Model(code_in, pixels_out(code_in))


class TopKAutoencoder(keras.Model):
    """Exactly {k} active units per code; AuxK: units in no image's top {k} this batch
    reconstruct what the model missed with their top {aux_k} scores (weight {aux_weight:g})."""

    def __init__(self):
        super().__init__()
        self.scores, self.decoder = scores, decoder

    def call(self, x, training=False):
        s = self.scores(x)
        code = s * top_k_mask(s, {k})
        x_hat = self.decoder(code)
        if training:
            dead = ops.cast(ops.max(ops.abs(code), axis=0) == 0, "float32")
            aux = s * top_k_mask(s - (1 - dead) * 1e9, {aux_k}) * dead
            residual = ops.stop_gradient(x - x_hat)
            self.add_loss(ops.mean(ops.square(residual - aux @ pixels_out.kernel)) * {aux_weight!r})
        return x_hat


autoencoder = TopKAutoencoder()
autoencoder.build((None, {pixels}))'''


def _conv_lines(hparams, h, w, c):
    lines = [f"inputs = keras.Input(shape=({h}, {w}, {c}))", "x = inputs"]
    for n in hparams["filters"]:
        lines += [f'x = layers.Conv2D({n}, 3, activation="relu", padding="same")(x)',
                  'x = layers.MaxPooling2D(2, padding="same")(x)']
    lines.append("# the code: x")
    levels, crop = decoder_plan(hparams["filters"], (h, w))
    for n, padding in levels:
        lines += [f'x = layers.Conv2D({n}, 3, activation="relu", padding="{padding}")(x)',
                  "x = layers.UpSampling2D(2)(x)"]
    if crop != (0, 0):
        lines.append(f"x = layers.Cropping2D(((0, {crop[0]}), (0, {crop[1]})))(x)")
    lines += [f'outputs = layers.Conv2D({c}, 3, activation="sigmoid", padding="same")(x)',
              "autoencoder = keras.Model(inputs, outputs)"]
    return "\n".join(lines)


def _lstm_lines(hparams, h, w, c):
    return "\n".join([
        f"inputs = keras.Input(shape=({h}, {w * c}))  # an image as a sequence of {h} rows",
        f"code = layers.LSTM({hparams['latent_dim']})(inputs)",
        f"x = layers.RepeatVector({h})(code)",
        f"x = layers.LSTM({hparams['decoder_units']}, return_sequences=True)(x)",
        f'outputs = layers.Dense({w * c}, activation="sigmoid")(x)',
        "autoencoder = keras.Model(inputs, outputs)",
    ])


def _vae_lines(hparams, h, w, c):
    pixels = h * w * c
    tutorial = hparams.get("loss_weighting") == "tutorial"
    kl_scale = "  # the tutorial's weighting" if tutorial else f" / {pixels}"
    networks = (_conv_vae_networks if hparams.get("network") == "conv" else
                _dense_vae_networks)(hparams, h, w, c)
    tcvae = hparams.get("objective") == "beta_tcvae"
    warmup, gamma = hparams.get("kl_warmup_epochs", 0), hparams.get("capacity_gamma", 0.0)
    terms = ("        # beta-TCVAE: the KL split by minibatch-weighted sampling (Chen et al. "
             "2018)\n        sample = z if training else z_mean + ops.exp(0.5 * z_log_var) * "
             "keras.random.normal(\n            ops.shape(z_mean), seed=self.noise)\n"
             "        self.add_loss(tc_regulariser(sample, z_mean, z_log_var, self.beta, "
             "len(x_train)))" if tcvae else
             "        kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), "
             "axis=-1)\n        self.add_loss(ops.mean(kl))")
    regulariser = ["self.beta * ops.sum(ops.stack(self.losses))"]
    if tcvae:
        regulariser = ["ops.sum(ops.stack(self.losses))  # beta is on the total correlation"]
    elif gamma:
        regulariser = [f"{gamma!r} * ops.abs(ops.sum(ops.stack(self.losses))",
                       f"    - {hparams['capacity_max']!r} * ops.minimum(1.0, epoch / "
                       f"{hparams['capacity_epochs']}))  # capacity annealing"]
    if warmup:
        regulariser.append(f"regulariser = regulariser * ops.minimum(1.0, epoch / {warmup})"
                           "  # KL warm-up")
    if tcvae or warmup or gamma:
        loss = "        epoch = self.epoch\n" if warmup or gamma else ""
        loss += "        regulariser = " + "\n        ".join(regulariser) + \
            f"\n        return reconstruction + regulariser{kl_scale}"
    else:
        loss = f"        return reconstruction + {regulariser[0]}{kl_scale}"
    # The epoch the schedules read: set before each epoch by the script's callback (JAX's
    # stateless training step can read a variable, not the optimizer's step count).
    epoch_line = ('\n        self.epoch = keras.Variable(0.0, trainable=False, name="epoch")'
                  if warmup or gamma else "")
    return f'''{networks}
{_TC_FUNCTION if tcvae else ""}

class VAE(keras.Model):
    """Reconstruction loss per pixel plus beta times the KL term (with the log-variance)."""

    def __init__(self, encoder, decoder, beta):
        super().__init__()
        self.encoder, self.decoder, self.beta = encoder, decoder, beta
        self.noise = keras.random.SeedGenerator(0){epoch_line}

    def call(self, x, training=False):
        z_mean, z_log_var = self.encoder(x)
        if training:
            eps = keras.random.normal(ops.shape(z_mean), seed=self.noise)
            z = z_mean + ops.exp(0.5 * z_log_var) * eps
        else:
            z = z_mean
{terms}
        return self.decoder(z)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        reconstruction = ops.mean(keras.losses.{KERAS_LOSSES[hparams["loss"]]}(y, y_pred))
{loss}


autoencoder = VAE(encoder, decoder, beta={hparams["beta"]!r})
autoencoder.build((None, {pixels}))'''


_TC_FUNCTION = '''

def tc_regulariser(z, z_mean, z_log_var, beta, num_images):
    """Index-code MI + beta * total correlation + dimension-wise KL, nats per image."""
    def log_normal(z, mean, log_var):
        return -0.5 * (ops.log(2 * 3.141592653589793) + log_var
                       + ops.square(z - mean) * ops.exp(-log_var))

    log_batch_images = ops.log(ops.cast(ops.shape(z)[0], "float32") * num_images)
    pairwise = log_normal(z[:, None, :], z_mean[None], z_log_var[None])  # (B, B, latent)
    log_qz = ops.logsumexp(ops.sum(pairwise, axis=2), axis=1) - log_batch_images
    log_marginals = ops.sum(ops.logsumexp(pairwise, axis=1) - log_batch_images, axis=1)
    log_qz_x = ops.sum(log_normal(z, z_mean, z_log_var), axis=1)
    log_pz = ops.sum(log_normal(z, 0.0, 0.0), axis=1)
    return ops.mean(log_qz_x - log_qz + beta * (log_qz - log_marginals) + log_marginals - log_pz)
'''


def _dense_vae_networks(hparams, h, w, c):
    pixels, latent, hidden = h * w * c, hparams["latent_dim"], hparams["intermediate_dim"]
    return f'''inputs = keras.Input(shape=({pixels},))
hidden = layers.Dense({hidden}, activation="relu")(inputs)
encoder = keras.Model(inputs, [layers.Dense({latent})(hidden), layers.Dense({latent})(hidden)])
z = keras.Input(shape=({latent},))
decoder = keras.Model(z, layers.Dense({pixels}, activation="sigmoid")(
    layers.Dense({hidden}, activation="relu")(z)))'''


def _conv_vae_networks(hparams, h, w, c):
    filters, latent = hparams["filters"], hparams["latent_dim"]
    small_h, small_w = halved_sizes((h, w), len(filters))[-1]
    crop = upsampled_crop((h, w), len(filters))
    lines = [f"inputs = keras.Input(shape=({h * w * c},))",
             f"x = layers.Reshape(({h}, {w}, {c}))(inputs)"]
    lines += [f'x = layers.Conv2D({n}, 3, strides=2, padding="same", activation="relu")(x)'
              for n in filters]
    lines += ["x = layers.Reshape((-1,))(x)",
              f'hidden = layers.Dense({hparams["intermediate_dim"]}, activation="relu")(x)',
              f"encoder = keras.Model(inputs, [layers.Dense({latent})(hidden), "
              f"layers.Dense({latent})(hidden)])",
              f"z = keras.Input(shape=({latent},))",
              f'x = layers.Dense({small_h * small_w * filters[-1]}, activation="relu")(z)',
              f"x = layers.Reshape(({small_h}, {small_w}, {filters[-1]}))(x)"]
    lines += [f'x = layers.Conv2DTranspose({n}, 3, strides=2, padding="same", '
              f'activation="relu")(x)' for n in reversed(filters)]
    if crop != (0, 0):
        lines.append(f"x = layers.Cropping2D(((0, {crop[0]}), (0, {crop[1]})))(x)")
    lines += [f'x = layers.Conv2D({c}, 3, padding="same", activation="sigmoid")(x)',
              f"decoder = keras.Model(z, layers.Reshape(({h * w * c},))(x))"]
    return "\n".join(lines)


_MODEL_LINES = {"dense": _dense_lines, "topk": _topk_lines, "conv": _conv_lines,
                "lstm": _lstm_lines, "vae": _vae_lines}
# What the script saves for the lab, where it is not `autoencoder` itself.
_SAVED_MODELS = {"vae": "keras.Model(inputs, decoder(encoder(inputs)[0]))",
                 "topk": "keras.Model(inputs, decoder(scores(inputs)))"}
