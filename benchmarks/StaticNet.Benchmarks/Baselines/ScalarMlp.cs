using System;

namespace StaticNet.Benchmarks.Baselines;

/// <summary>
/// The plain C# a developer writes without StaticNet: jagged weight arrays, nested loops, Math functions; buffers
/// allocated once, so that the comparison is about the arithmetic, not the garbage collector.
/// </summary>
public sealed class ScalarMlp : IBaseline
{
    private readonly int[] _sizes;
    private readonly float[][][] _weights; // [layer][out][in]
    private readonly float[][] _biases;
    private readonly float[][] _activations; // [0] is the input copy
    private readonly float[][] _deltas;
    private readonly float[][][] _weightGradients;
    private readonly float[][] _biasGradients;
    private readonly Hidden _hidden;
    private readonly Loss _loss;

    /// <summary>Copies the parameters from StaticNet's flat layout (per layer W[out][in], then b[out]).</summary>
    public ScalarMlp(ReadOnlySpan<int> sizes, ReadOnlySpan<float> parameters, Hidden hidden, Loss loss)
    {
        _sizes = sizes.ToArray();
        _hidden = hidden;
        _loss = loss;
        int layers = _sizes.Length - 1;
        _weights = new float[layers][][];
        _biases = new float[layers][];
        _weightGradients = new float[layers][][];
        _biasGradients = new float[layers][];
        _activations = new float[_sizes.Length][];
        _deltas = new float[_sizes.Length][];
        for (int i = 0; i < _sizes.Length; i++)
        {
            _activations[i] = new float[_sizes[i]];
            _deltas[i] = new float[_sizes[i]];
        }

        int offset = 0;
        for (int l = 0; l < layers; l++)
        {
            int inputs = _sizes[l], outputs = _sizes[l + 1];
            _weights[l] = new float[outputs][];
            _weightGradients[l] = new float[outputs][];
            for (int o = 0; o < outputs; o++)
            {
                _weights[l][o] = parameters.Slice(offset, inputs).ToArray();
                _weightGradients[l][o] = new float[inputs];
                offset += inputs;
            }

            _biases[l] = parameters.Slice(offset, outputs).ToArray();
            _biasGradients[l] = new float[outputs];
            offset += outputs;
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
        float loss = Accumulate(input, target, 1f, clear: true);
        Update(learningRate);
        return loss;
    }

    /// <inheritdoc/>
    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        int inputSize = _sizes[0], outputSize = _sizes[^1], count = inputs.Length / inputSize;
        float loss = 0;
        for (int s = 0; s < count; s++)
        {
            loss += Accumulate(inputs.Slice(s * inputSize, inputSize), targets.Slice(s * outputSize, outputSize), 1f / count, clear: s == 0);
        }

        Update(learningRate);
        return loss / count;
    }

    private void Run(ReadOnlySpan<float> input)
    {
        input.CopyTo(_activations[0]);
        for (int l = 0; l < _weights.Length; l++)
        {
            float[] x = _activations[l], y = _activations[l + 1];
            bool last = l == _weights.Length - 1;
            for (int o = 0; o < y.Length; o++)
            {
                float z = _biases[l][o];
                float[] row = _weights[l][o];
                for (int i = 0; i < x.Length; i++)
                {
                    z += row[i] * x[i];
                }

                y[o] = last ? z : _hidden == Hidden.Tanh ? MathF.Tanh(z) : MathF.Max(z, 0f);
            }

            if (last && _loss == Loss.CrossEntropy)
            {
                float max = float.NegativeInfinity, sum = 0;
                for (int o = 0; o < y.Length; o++)
                {
                    max = MathF.Max(max, y[o]);
                }

                for (int o = 0; o < y.Length; o++)
                {
                    y[o] = MathF.Exp(y[o] - max);
                    sum += y[o];
                }

                for (int o = 0; o < y.Length; o++)
                {
                    y[o] /= sum;
                }
            }
        }
    }

    /// <summary>Forward, loss, backpropagation; the gradient times <paramref name="scale"/> goes into the gradient arrays.</summary>
    private float Accumulate(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float scale, bool clear)
    {
        Run(input);
        float[] y = _activations[^1], delta = _deltas[^1];
        float loss = 0;
        for (int j = 0; j < y.Length; j++)
        {
            if (_loss == Loss.CrossEntropy)
            {
                loss -= target[j] * MathF.Log(Math.Clamp(y[j], 1e-7f, 1f - 1e-7f));
                delta[j] = (y[j] - target[j]) * scale;
            }
            else
            {
                float error = y[j] - target[j];
                loss += error * error / y.Length;
                delta[j] = 2 * error / y.Length * scale;
            }
        }

        for (int l = _weights.Length - 1; l >= 0; l--)
        {
            float[] x = _activations[l], dz = _deltas[l + 1], dx = _deltas[l];
            for (int o = 0; o < dz.Length; o++)
            {
                float[] gradientRow = _weightGradients[l][o];
                if (clear)
                {
                    Array.Clear(gradientRow);
                    _biasGradients[l][o] = 0;
                }

                _biasGradients[l][o] += dz[o];
                for (int i = 0; i < x.Length; i++)
                {
                    gradientRow[i] += dz[o] * x[i];
                }
            }

            if (l == 0)
            {
                break;
            }

            for (int i = 0; i < dx.Length; i++)
            {
                float sum = 0;
                for (int o = 0; o < dz.Length; o++)
                {
                    sum += _weights[l][o][i] * dz[o];
                }

                dx[i] = _hidden == Hidden.Tanh ? sum * (1 - (x[i] * x[i])) : x[i] <= 0 ? 0 : sum;
            }
        }

        return loss;
    }

    private void Update(float learningRate)
    {
        for (int l = 0; l < _weights.Length; l++)
        {
            for (int o = 0; o < _weights[l].Length; o++)
            {
                float[] row = _weights[l][o], gradientRow = _weightGradients[l][o];
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] -= learningRate * gradientRow[i];
                }

                _biases[l][o] -= learningRate * _biasGradients[l][o];
            }
        }
    }
}
