#!/usr/bin/python3
"""Writes the Keras 2 model files bn-keras's tests import, and numpy's expected outputs for them.

No TensorFlow: each file is written with h5py in the layout Keras 2's `model.save(path)` (tf.keras 2.4) writes:
root attributes `keras_version`, `backend` and `model_config` as fixed-length byte strings (Keras stores
`str(...).encode('utf8')`, which h5py 2, the version tf.keras 2.4 requires, writes fixed-length; one model is also
written as h5py 3 writes it, with variable-length strings), a group `model_weights` with attributes `layer_names`,
`backend`, `keras_version`, and per layer a group carrying a `weight_names` attribute (an array of fixed-length
byte strings, or an empty float array for a layer without weights) and the datasets
`model_weights/<layer>/<layer>/<weight>:0`. One model is also written as `model.to_json()` plus
`model.save_weights(path)` write it: the JSON with `keras_version` and `backend` keys, and a weights file whose layer
groups sit at the root.

Every BN gets random, non-trivial gamma, beta, moving mean and moving variance. For each model `<name>.h5` the inputs
are in `<name>.x.npy` (float32) and the outputs Keras' inference computes, by numpy in double precision from the
stored float32 weights, in `<name>.y.npy` (float64).

Run from anywhere with Debian's python3-h5py and numpy: /usr/bin/python3 make_fixtures.py. It rewrites
../resources/org/bn4j/keras/fixtures/ (relative to this file) and is deterministic (fixed seed).
"""
import json
import os

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'org', 'bn4j', 'keras', 'fixtures')
KERAS_VERSION = '2.4.0'
BACKEND = 'tensorflow'
rng = np.random.default_rng(20261207)


# --- layer configurations, as tf.keras 2.4's get_config() writes them -------------------------------------------

def initializer(name, **config):
    return {'class_name': name, 'config': config}


def bn_config(name, axis=-1, class_name='BatchNormalization', **overrides):
    config = {
        'name': name, 'trainable': True, 'dtype': 'float32', 'axis': axis, 'momentum': 0.9, 'epsilon': 0.001,
        'center': True, 'scale': True,
        'beta_initializer': initializer('Zeros'), 'gamma_initializer': initializer('Ones'),
        'moving_mean_initializer': initializer('Zeros'), 'moving_variance_initializer': initializer('Ones'),
        'beta_regularizer': None, 'gamma_regularizer': None, 'beta_constraint': None, 'gamma_constraint': None,
    }
    config.update(overrides)
    return {'class_name': class_name, 'config': config}


def input_config(name, shape):
    return {'class_name': 'InputLayer',
            'config': {'batch_input_shape': [None] + list(shape), 'dtype': 'float32', 'sparse': False,
                       'ragged': False, 'name': name}}


def dense_config(name, units):
    return {'class_name': 'Dense',
            'config': {'name': name, 'trainable': True, 'dtype': 'float32', 'units': units, 'activation': 'linear',
                       'use_bias': True,
                       'kernel_initializer': initializer('GlorotUniform', seed=None),
                       'bias_initializer': initializer('Zeros'), 'kernel_regularizer': None,
                       'bias_regularizer': None, 'activity_regularizer': None, 'kernel_constraint': None,
                       'bias_constraint': None}}


def conv_config(class_name, name, filters, kernel_size, input_shape=None):
    rank = len(kernel_size)
    config = {'name': name, 'trainable': True, 'dtype': 'float32', 'filters': filters, 'kernel_size': kernel_size,
              'strides': [1] * rank, 'padding': 'valid', 'data_format': 'channels_last',
              'dilation_rate': [1] * rank, 'activation': 'linear', 'use_bias': True,
              'kernel_initializer': initializer('GlorotUniform', seed=None),
              'bias_initializer': initializer('Zeros'), 'kernel_regularizer': None, 'bias_regularizer': None,
              'activity_regularizer': None, 'kernel_constraint': None, 'bias_constraint': None}
    if input_shape is not None:
        config['batch_input_shape'] = [None] + list(input_shape)
    return {'class_name': class_name, 'config': config}


def flatten_config(name):
    return {'class_name': 'Flatten',
            'config': {'name': name, 'trainable': True, 'dtype': 'float32', 'data_format': 'channels_last'}}


def functional(name, layers, inbound):
    """layers: configs in order; inbound: for each, the name of its input layer or None."""
    entries = []
    for layer, source in zip(layers, inbound):
        entry = dict(layer)
        entry['name'] = layer['config']['name']
        entry['inbound_nodes'] = [] if source is None else [[[source, 0, 0, {}]]]
        entries.append(entry)
    return {'class_name': 'Functional',
            'config': {'name': name, 'layers': entries,
                       'input_layers': [[layers[0]['config']['name'], 0, 0]],
                       'output_layers': [[layers[-1]['config']['name'], 0, 0]]}}


def sequential(name, layers):
    return {'class_name': 'Sequential', 'config': {'name': name, 'layers': layers}}


# --- weights and numpy's inference -------------------------------------------------------------------------------

def bn_weights(channels, center=True, scale=True):
    """channels: the number of channels, or the shape of the parameters when Keras' axis names several axes."""
    weights = []
    if scale:
        weights.append(('gamma', rng.uniform(0.5, 2.0, channels).astype(np.float32)))
    if center:
        weights.append(('beta', rng.normal(0.0, 1.0, channels).astype(np.float32)))
    weights.append(('moving_mean', rng.normal(0.0, 2.0, channels).astype(np.float32)))
    weights.append(('moving_variance', rng.uniform(0.2, 3.0, channels).astype(np.float32)))
    return weights


def bn_infer(x, weights, axes, epsilon=0.001):
    """axes: the axis, or axes, of the full (batch-first) array the parameters run along."""
    axes = [axes] if isinstance(axes, int) else list(axes)
    w = dict(weights)
    shape = [x.shape[i] if i in axes else 1 for i in range(x.ndim)]
    gamma = w.get('gamma', np.ones(shape, np.float32)).astype(np.float64).reshape(shape)
    beta = w.get('beta', np.zeros(shape, np.float32)).astype(np.float64).reshape(shape)
    mean = w['moving_mean'].astype(np.float64).reshape(shape)
    var = w['moving_variance'].astype(np.float64).reshape(shape)
    return (x.astype(np.float64) - mean) / np.sqrt(var + epsilon) * gamma + beta


def dense_weights(n_in, n_out):
    return [('kernel', rng.normal(0, 0.5, (n_in, n_out)).astype(np.float32)),
            ('bias', rng.normal(0, 0.5, n_out).astype(np.float32))]


def dense_infer(x, weights):
    w = dict(weights)
    return x @ w['kernel'].astype(np.float64) + w['bias'].astype(np.float64)


def conv_weights(kernel_size, n_in, n_out):
    return [('kernel', rng.normal(0, 0.5, tuple(kernel_size) + (n_in, n_out)).astype(np.float32)),
            ('bias', rng.normal(0, 0.5, n_out).astype(np.float32))]


def conv_infer(x, weights):
    """'valid', stride 1, channels last, for 1 or 2 spatial axes."""
    w = dict(weights)
    kernel = w['kernel'].astype(np.float64)
    k = kernel.shape[:-2]
    out_sizes = [x.shape[1 + i] - k[i] + 1 for i in range(len(k))]
    y = np.zeros((x.shape[0],) + tuple(out_sizes) + (kernel.shape[-1],))
    for offset in np.ndindex(*k):
        window = x[(slice(None),) + tuple(slice(o, o + s) for o, s in zip(offset, out_sizes))].astype(np.float64)
        y += window @ kernel[offset]
    return y + w['bias'].astype(np.float64)


# --- writing -----------------------------------------------------------------------------------------------------

def text(value, variable_length):
    """h5py 2 stores Keras' bytes as a fixed-length string (numpy's bytes_), h5py 3 as a variable-length one."""
    data = value.encode('utf8')
    return data if variable_length else np.bytes_(data)


def write_weight_groups(parent, layer_names, weights, variable_length=False):
    parent.attrs['layer_names'] = np.array([name.encode('utf8') for name in layer_names])
    parent.attrs['backend'] = text(BACKEND, variable_length)
    parent.attrs['keras_version'] = text(KERAS_VERSION, variable_length)
    for name in layer_names:
        group = parent.create_group(name)
        layer_weights = weights.get(name, [])
        weight_names = [('%s/%s:0' % (name, w)).encode('utf8') for w, _ in layer_weights]
        group.attrs['weight_names'] = np.array(weight_names) if weight_names else np.array([])
        for weight_name, (_, value) in zip(weight_names, layer_weights):
            group.create_dataset(weight_name.decode('utf8'), data=value)


def layer_names_of(model_config):
    return [layer['config']['name'] for layer in model_config['config']['layers']]


# A compiled model's training configuration: mean squared error, Adam.
TRAINING_CONFIG = {
    'loss': 'mse', 'metrics': [], 'weighted_metrics': None, 'loss_weights': None, 'sample_weight_mode': None,
    'optimizer_config': {'class_name': 'Adam',
                         'config': {'name': 'Adam', 'learning_rate': 0.01, 'decay': 0.0, 'beta_1': 0.9,
                                    'beta_2': 0.999, 'epsilon': 1e-07, 'amsgrad': False}}}


def save_model(name, model_config, weights, x, y, variable_length=False, compiled=False):
    """As model.save(path): one .h5 with the configuration and the weights; plus the test's input and output."""
    with h5py.File(os.path.join(OUT, name + '.h5'), 'w') as f:
        f.attrs['keras_version'] = text(KERAS_VERSION, variable_length)
        f.attrs['backend'] = text(BACKEND, variable_length)
        f.attrs['model_config'] = text(json.dumps(model_config), variable_length)
        if compiled:
            f.attrs['training_config'] = text(json.dumps(TRAINING_CONFIG), variable_length)
        write_weight_groups(f.create_group('model_weights'), layer_names_of(model_config), weights, variable_length)
    save_data(name, x, y)


def save_json_and_weights(name, model_config, weights, x, y):
    """As model.to_json() and model.save_weights(path)."""
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(dict(model_config, keras_version=KERAS_VERSION, backend=BACKEND), f)
    with h5py.File(os.path.join(OUT, name + '.weights.h5'), 'w') as f:
        write_weight_groups(f, layer_names_of(model_config), weights)
    save_data(name, x, y)


def save_data(name, x, y):
    np.save(os.path.join(OUT, name + '.x.npy'), x.astype(np.float32))
    np.save(os.path.join(OUT, name + '.y.npy'), y.astype(np.float64))


def data(shape):
    # Away from the moving mean, so that a wrong channel axis or a wrong statistic shows.
    return rng.normal(0.5, 2.0, (4,) + tuple(shape)).astype(np.float32)


# --- the models --------------------------------------------------------------------------------------------------

def bn_alone(name, shape, axis, channel_axis, class_name='BatchNormalization', center=True, scale=True,
             extra_weights=(), compiled=False, **overrides):
    """Input -> BN. channel_axis: the axis, or axes, of the full (batch-first) array that axis names."""
    x = data(shape)
    axes = [channel_axis] if isinstance(channel_axis, int) else channel_axis
    param_shape = tuple(x.shape[i] for i in axes) if len(axes) > 1 else x.shape[axes[0]]
    weights = bn_weights(param_shape, center, scale)
    weights += [(w, rng.uniform(0.5, 2.0, param_shape).astype(np.float32)) for w in extra_weights]
    input_layer = input_config('input', shape)
    if 0 in axes:
        input_layer['config']['batch_input_shape'][0] = x.shape[0]
    layers = [input_layer,
              bn_config('bn', axis, class_name, center=center, scale=scale, **overrides)]
    model = functional(name, layers, [None, 'input'])
    save_model(name, model, {'bn': weights}, x, bn_infer(x, weights, channel_axis), compiled=compiled)


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))

    # BN alone, ranks 2 to 5, channels last and first, axis as tf.keras (a positive list) and Keras (an int) write it.
    bn_alone('bn_rank2_last', [3], -1, 1)
    bn_alone('bn_rank2_list', [3], [1], 1)
    bn_alone('bn_rank3_last', [5, 3], -1, 2)
    bn_alone('bn_rank3_first', [3, 5], 1, 1)
    bn_alone('bn_rank4_last', [4, 5, 3], [3], 3)
    bn_alone('bn_rank4_last_negative', [4, 5, 3], -1, 3)
    bn_alone('bn_rank4_first', [3, 4, 5], [1], 1)
    bn_alone('bn_rank4_first_negative', [3, 4, 5], -3, 1)
    bn_alone('bn_rank5_last', [2, 3, 4, 3], [4], 4)
    bn_alone('bn_rank5_first', [3, 2, 3, 4], 1, 1)

    # center / scale off: Keras saves no beta / gamma.
    bn_alone('bn_no_center', [4, 5, 3], -1, 3, center=False, compiled=True)
    bn_alone('bn_no_scale', [4, 5, 3], -1, 3, scale=False, compiled=True)
    bn_alone('bn_no_center_no_scale', [4, 5, 3], -1, 3, center=False, scale=False)

    # Training-only settings: inference is plain BN.
    l2 = {'class_name': 'L1L2', 'config': {'l1': 0.0, 'l2': 0.01}}
    bn_alone('bn_regularizers', [4, 5, 3], -1, 3, gamma_regularizer=l2, beta_regularizer=l2)
    bn_alone('bn_frozen', [4, 5, 3], -1, 3, trainable=False)
    bn_alone('bn_virtual_batch', [4, 5, 3], -1, 3, virtual_batch_size=2, fused=None, renorm=False,
             renorm_clipping=None, renorm_momentum=0.99, adjustment=None)

    # The other class names tf.keras writes.
    bn_alone('bn_v1', [4, 5, 3], -1, 3, class_name='BatchNormalizationV1', fused=None, renorm=False,
             renorm_clipping=None, renorm_momentum=0.99, virtual_batch_size=None, adjustment=None)
    bn_alone('bn_sync', [5, 3], -1, 2, class_name='SyncBatchNormalization', fused=None, renorm=False,
             renorm_clipping=None, renorm_momentum=0.99, virtual_batch_size=None, adjustment=None)

    # Refused: an axis that is not a channel axis, several axes, the batch axis, renorm, an unknown key.
    bn_alone('bn_axis_spatial', [4, 5, 3], 2, 2)
    bn_alone('bn_axis_several', [4, 5, 3], [1, 3], [1, 3])
    bn_alone('bn_axis_batch', [4, 5, 3], 0, 0)
    bn_alone('bn_renorm', [4, 5, 3], -1, 3, renorm=True, renorm_clipping={'rmax': 3.0, 'rmin': 0.3333, 'dmax': 5.0},
             renorm_momentum=0.99, extra_weights=('renorm_mean', 'renorm_stddev'))
    bn_alone('bn_unknown_key', [4, 5, 3], -1, 3, synchronized=True)

    # Sequential: Conv2D -> BN -> Flatten -> Dense, Keras 2.2-style (the first layer carries the input shape).
    x = data([5, 5, 2])
    conv = conv_weights([3, 3], 2, 4)
    bn = bn_weights(4)
    dense = dense_weights(3 * 3 * 4, 2)
    y = dense_infer(bn_infer(conv_infer(x, conv), bn, 3).reshape(4, -1), dense)
    model = sequential('seq_conv2d', [conv_config('Conv2D', 'conv', 4, [3, 3], [5, 5, 2]), bn_config('bn', [3]),
                                      flatten_config('flatten'), dense_config('dense', 2)])
    save_model('seq_conv2d_bn', model, {'conv': conv, 'bn': bn, 'dense': dense}, x, y)

    # Sequential: Conv1D -> BN -> Flatten -> Dense.
    x = data([6, 2])
    conv = conv_weights([2], 2, 3)
    bn = bn_weights(3)
    dense = dense_weights(5 * 3, 2)
    y = dense_infer(bn_infer(conv_infer(x, conv), bn, 2).reshape(4, -1), dense)
    model = sequential('seq_conv1d', [conv_config('Conv1D', 'conv', 3, [2], [6, 2]), bn_config('bn', -1),
                                      flatten_config('flatten'), dense_config('dense', 2)])
    save_model('seq_conv1d_bn', model, {'conv': conv, 'bn': bn, 'dense': dense}, x, y)

    # Sequential: BN first (it carries the input shape), channels-first images, then Flatten -> Dense.
    x = data([3, 4, 5])
    bn, dense = bn_weights(3), dense_weights(3 * 4 * 5, 2)
    y = dense_infer(bn_infer(x, bn, 1).reshape(4, -1), dense)
    first = bn_config('bn', 1, fused=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                      virtual_batch_size=None, adjustment=None)
    first['config']['batch_input_shape'] = [None, 3, 4, 5]
    model = sequential('seq_bn_first', [first, flatten_config('flatten'), dense_config('dense', 2)])
    save_model('seq_bn_first_channels_first', model, {'bn': bn, 'dense': dense}, x, y)

    # The same as a functional model: Input -> BN -> Flatten -> Dense.
    layers = [input_config('input', [3, 4, 5]), dict(first, config=dict(first['config'])), flatten_config('flatten'),
              dense_config('dense', 2)]
    del layers[1]['config']['batch_input_shape']
    model = functional('func_bn_first', layers, [None, 'input', 'bn', 'flatten'])
    save_model('func_bn_first_channels_first', model, {'bn': bn, 'dense': dense}, x, y)

    # Sequential: Dense -> BN -> Dense.
    x = data([6])
    dense1, bn, dense2 = dense_weights(6, 4), bn_weights(4), dense_weights(4, 3)
    y = dense_infer(bn_infer(dense_infer(x, dense1), bn, 1), dense2)
    model = sequential('seq_dense', [input_config('input', [6]), dense_config('dense1', 4), bn_config('bn', [1]),
                                     dense_config('dense2', 3)])
    save_model('seq_dense_bn', model, {'dense1': dense1, 'bn': bn, 'dense2': dense2}, x, y, compiled=True)
    save_json_and_weights('seq_dense_bn', model, {'dense1': dense1, 'bn': bn, 'dense2': dense2}, x, y)

    # Functional: Input -> Conv2D -> BN -> Flatten -> Dense, and Input -> Dense -> BN -> Dense (also as JSON plus a
    # weights file).
    x = data([5, 5, 2])
    conv = conv_weights([3, 3], 2, 4)
    bn = bn_weights(4)
    dense = dense_weights(3 * 3 * 4, 2)
    y = dense_infer(bn_infer(conv_infer(x, conv), bn, 3).reshape(4, -1), dense)
    layers = [input_config('input', [5, 5, 2]), conv_config('Conv2D', 'conv', 4, [3, 3]), bn_config('bn', [3]),
              flatten_config('flatten'), dense_config('dense', 2)]
    model = functional('func_conv2d', layers, [None, 'input', 'conv', 'bn', 'flatten'])
    save_model('func_conv2d_bn', model, {'conv': conv, 'bn': bn, 'dense': dense}, x, y)
    # The same as h5py 3 writes it (tf.keras 2.5 and later): variable-length strings. Its configuration is longer
    # than the 2048 bytes DL4J's reader tries first.
    save_model('func_conv2d_bn_h5py3', model, {'conv': conv, 'bn': bn, 'dense': dense}, x, y, variable_length=True)

    x = data([6])
    dense1, bn, dense2 = dense_weights(6, 4), bn_weights(4), dense_weights(4, 3)
    y = dense_infer(bn_infer(dense_infer(x, dense1), bn, 1), dense2)
    layers = [input_config('input', [6]), dense_config('dense1', 4), bn_config('bn', -1, trainable=False),
              dense_config('dense2', 3)]
    model = functional('func_dense', layers, [None, 'input', 'dense1', 'bn'])
    save_model('func_dense_bn_frozen', model, {'dense1': dense1, 'bn': bn, 'dense2': dense2}, x, y, compiled=True)
    save_json_and_weights('func_dense_bn_frozen', model, {'dense1': dense1, 'bn': bn, 'dense2': dense2}, x, y)


if __name__ == '__main__':
    main()
