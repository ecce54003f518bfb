using System;
using System.Numerics.Tensors;

namespace StaticNet.Benchmarks.Baselines;

/// <summary>
/// The dynamic MLP a careful .NET developer writes without StaticNet: flat weight arrays per layer and the vectorised
/// span kernels of <see cref="TensorPrimitives"/> (dot products, multiply-adds, tanh, softmax); buffers allocated once.
/// </summary>
public sealed class TensorPrimitivesMlp : IBaseline
{
    private readonly int[] _sizes;
    private readonly float[][] _weights; // [layer][out * in]
    private readonly float[][] _biases;
    private readonly float[][] _activations;
    private readonly float[][] _deltas;
    private readonly float[][] _weightGradients;
    private readonly float[][] _biasGradients;
    private readonly float[] _scratch;
    private readonly Hidden _hidden;
    private readonly Loss _loss;

    /// <summary>Copies the parameters from StaticNet's flat layout (per layer W[out][in], then b[out]).</summary>
    public TensorPrimitivesMlp(ReadOnlySpan<int> sizes, ReadOnlySpan<float> parameters, Hidden hidden, Loss loss)
    {
        _sizes = sizes.ToArray();
        _hidden = hidden;
        _loss = loss;
        int layers = _sizes.Length - 1;
        _weights = new float[layers][];
        _biases = new float[layers][];
        _weightGradients = new float[layers][];
        _biasGradients = new float[layers][];
        _activations = new float[_sizes.Length][];
        _deltas = new float[_sizes.Length][];
        int widest = 0;
        for (int i = 0; i < _sizes.Length; i++)
        {
            _activations[i] = new float[_sizes[i]];
            _deltas[i] = new float[_sizes[i]];
            widest = Math.Max(widest, _sizes[i]);
        }

        _scratch = new float[widest];
        int offset = 0;
        for (int l = 0; l < layers; l++)
        {
            int weights = _sizes[l] * _sizes[l + 1];
            _weights[l] = parameters.Slice(offset, weights).ToArray();
            _weightGradients[l] = new float[weights];
            offset += weights;
            _biases[l] = parameters.Slice(offset, _sizes[l + 1]).ToArray();
            _biasGradients[l] = new float[_sizes[l + 1]];
            offset += _sizes[l + 1];
        }
    }

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        Run(input);
        _activations[^1].CopyTo(output);
    }

    /// <inheritdoc/>
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int inputSize = _sizes[0], outputSize = _sizes[^1];
        for (int s = 0; s < inputs.Length / inputSize; s++)
        {
            Forward(inputs.Slice(s * inputSize, inputSize), outputs.Slice(s * outputSize, outputSize));
        }
    }

    /// <inheritdoc/>
    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate)
    {
        Clear();
        float loss = Accumulate(input, target, 1f);
        Update(learningRate);
        return loss;
    }

    /// <inheritdoc/>
    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        int inputSize = _sizes[0], outputSize = _sizes[^1], count = inputs.Length / inputSize;
        Clear();
        float loss = 0;
        for (int s = 0; s < count; s++)
        {
            loss += Accumulate(inputs.Slice(s * inputSize, inputSize), targets.Slice(s * outputSize, outputSize), 1f / count);
        }

        Update(learningRate);
        return loss / count;
    }

    private void Run(ReadOnlySpan<float> input)
    {
        input.CopyTo(_activations[0]);
        for (int l = 0; l < _weights.Length; l++)
        {
            ReadOnlySpan<float> x = _activations[l];
            Span<float> y = _activations[l + 1];
            int inputs = x.Length;
            for (int o = 0; o < y.Length; o++)
            {
                y[o] = TensorPrimitives.Dot(_weights[l].AsSpan(o * inputs, inputs), x);
            }

            TensorPrimitives.Add(y, _biases[l], y);
            if (l < _weights.Length - 1)
            {
                if (_hidden == Hidden.Tanh)
                {
                    TensorPrimitives.Tanh(y, y);
                }
                else
                {
                    TensorPrimitives.Max(y, 0f, y);
                }
            }
            else if (_loss == Loss.CrossEntropy)
            {
                TensorPrimitives.SoftMax(y, y);
            }
        }
    }

    private void Clear()
    {
        for (int l = 0; l < _weights.Length; l++)
        {
            Array.Clear(_weightGradients[l]);
            Array.Clear(_biasGradients[l]);
        }
    }

    private float Accumulate(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float scale)
    {
        Run(input);
        Span<float> y = _activations[^1], delta = _deltas[^1];
        float loss;
        TensorPrimitives.Subtract(y, target, delta);
        if (_loss == Loss.CrossEntropy)
        {
            loss = 0;
            for (int j = 0; j < y.Length; j++)
            {
                loss -= target[j] * MathF.Log(Math.Clamp(y[j], 1e-7f, 1f - 1e-7f));
            }

            TensorPrimitives.Multiply(delta, scale, delta);
        }
        else
        {
            loss = TensorPrimitives.SumOfSquares(delta) / y.Length;
            TensorPrimitives.Multiply(delta, 2f / y.Length * scale, delta);
        }

        for (int l = _weights.Length - 1; l >= 0; l--)
        {
            ReadOnlySpan<float> x = _activations[l];
            Span<float> dz = _deltas[l + 1], dx = _deltas[l];
            int inputs = x.Length;
            TensorPrimitives.Add(_biasGradients[l], dz, _biasGradients[l]);
            for (int o = 0; o < dz.Length; o++)
            {
                Span<float> gradientRow = _weightGradients[l].AsSpan(o * inputs, inputs);
                TensorPrimitives.MultiplyAdd(x, dz[o], gradientRow, gradientRow);
            }

            if (l == 0)
            {
                break;
            }

            dx.Clear();
            for (int o = 0; o < dz.Length; o++)
            {
                TensorPrimitives.MultiplyAdd(_weights[l].AsSpan(o * inputs, inputs), dz[o], dx, dx);
            }

            if (_hidden == Hidden.Tanh)
            {
                Span<float> derivative = _scratch.AsSpan(0, inputs);
                TensorPrimitives.Multiply(x, x, derivative);
                TensorPrimitives.Subtract(1f, derivative, derivative);
                TensorPrimitives.Multiply(dx, derivative, dx);
            }
            else
            {
                for (int i = 0; i < inputs; i++)
                {
                    dx[i] = x[i] <= 0 ? 0 : dx[i];
                }
            }
        }

        return loss;
    }

    private void Update(float learningRate)
    {
        for (int l = 0; l < _weights.Length; l++)
        {
            TensorPrimitives.MultiplyAdd(_weightGradients[l], -learningRate, _weights[l], _weights[l]);
            TensorPrimitives.MultiplyAdd(_biasGradients[l], -learningRate, _biases[l], _biases[l]);
        }
    }
}
