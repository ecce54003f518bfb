using System;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StaticNet.Benchmarks.Peers;

/// <summary>
/// TorchSharp (LibTorch's CPU build) as a .NET developer uses it: an <c>nn.Sequential</c> of Linear layers and
/// activations with the network's weights, <c>set_num_threads(1)</c>, inference under <c>no_grad</c>, training with
/// <c>torch.optim.SGD</c> on the logits (cross-entropy for a softmax output, mean squared error otherwise). Every input
/// and target tensor is created once; each call runs in a dispose scope, so its intermediate tensors are freed on return.
/// </summary>
public sealed class TorchSharpPeer : IDisposable
{
    private static string? s_failure;
    private static bool s_tried;

    private readonly Sequential _body;
    private readonly Linear[] _linears;
    private readonly bool _softmax;
    private readonly optim.Optimizer _sgd;
    private readonly Tensor[] _samples;
    private readonly Tensor[] _sampleTargets;
    private readonly Tensor _batch;
    private readonly Tensor[] _trainBatches;
    private readonly Tensor[] _trainBatchTargets;

    /// <summary>The network of <paramref name="layers"/> with <paramref name="parameters"/>, and tensors over copies of the data.</summary>
    /// <param name="layers">The layer sizes, input first.</param>
    /// <param name="tanh">tanh between the Linear layers (else ReLU).</param>
    /// <param name="softmax">A softmax output trained with cross-entropy (else an identity output with mean squared error).</param>
    /// <param name="parameters">StaticNet's flat layout: per layer W[out][in], then b[out].</param>
    /// <param name="inputs">The samples, one after another.</param>
    /// <param name="targets">One target row per sample (one-hot for cross-entropy).</param>
    /// <param name="samples">How many single samples get a tensor.</param>
    /// <param name="batchSize">The batch of <see cref="ForwardBatch"/>: the first rows of <paramref name="inputs"/>.</param>
    /// <param name="trainBatchSize">The batch of <see cref="TrainBatch"/>.</param>
    /// <param name="trainBatchStarts">The first sample of each training batch.</param>
    /// <param name="learningRate">The SGD learning rate.</param>
    public TorchSharpPeer(ReadOnlySpan<int> layers, bool tanh, bool softmax, ReadOnlySpan<float> parameters, float[] inputs, float[] targets,
        int samples, int batchSize, int trainBatchSize, ReadOnlySpan<int> trainBatchStarts, float learningRate)
    {
        Initialize();
        int inputSize = layers[0], outputSize = layers[^1], count = layers.Length - 1;
        _softmax = softmax;
        _linears = new Linear[count];
        var modules = new (string, nn.Module<Tensor, Tensor>)[(2 * count) - 1];
        int offset = 0;
        using (no_grad())
        {
            for (int l = 0; l < count; l++)
            {
                int fanIn = layers[l], fanOut = layers[l + 1];
                var linear = nn.Linear(fanIn, fanOut);
                linear.weight!.copy_(tensor(parameters.Slice(offset, fanIn * fanOut).ToArray(), [fanOut, fanIn]));
                offset += fanIn * fanOut;
                linear.bias!.copy_(tensor(parameters.Slice(offset, fanOut).ToArray(), [fanOut]));
                offset += fanOut;
                _linears[l] = linear;
                modules[2 * l] = ((2 * l).ToString(System.Globalization.CultureInfo.InvariantCulture), linear);
                if (l + 1 < count)
                {
                    modules[(2 * l) + 1] = (((2 * l) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), tanh ? nn.Tanh() : nn.ReLU());
                }
            }
        }

        _body = nn.Sequential(modules);
        _body.eval();
        _sgd = optim.SGD(_body.parameters(), learningRate);
        _samples = new Tensor[samples];
        _sampleTargets = new Tensor[samples];
        for (int i = 0; i < samples; i++)
        {
            _samples[i] = Rows(inputs, i, 1, inputSize);
            _sampleTargets[i] = Targets(targets, i, 1, outputSize);
        }

        _batch = Rows(inputs, 0, batchSize, inputSize);
        _trainBatches = new Tensor[trainBatchStarts.Length];
        _trainBatchTargets = new Tensor[trainBatchStarts.Length];
        for (int b = 0; b < trainBatchStarts.Length; b++)
        {
            _trainBatches[b] = Rows(inputs, trainBatchStarts[b], trainBatchSize, inputSize);
            _trainBatchTargets[b] = Targets(targets, trainBatchStarts[b], trainBatchSize, outputSize);
        }
    }

    /// <summary>Whether TorchSharp's native libraries load here; if not, <paramref name="failure"/> says why.</summary>
    public static bool TryInitialize(out string? failure)
    {
        if (!s_tried)
        {
            s_tried = true;
            try
            {
                // Load the native library the way P/Invoke does first: if that fails, the loader's message says why (for
                // instance "version `GLIBCXX_3.4.32' not found"), and TorchSharp's own fallback, which copies LibTorch's
                // 500 MB into the application's folder and prints pages of trace before failing the same way, never runs.
                NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null);
                InitializeDeviceType(DeviceType.CPU);
                set_num_threads(1);
                set_num_interop_threads(1);
            }
#pragma warning disable CA1031 // any failure to load the native libraries means the same: TorchSharp cannot run here
            catch (Exception e)
#pragma warning restore CA1031
            {
                s_failure = Reason(e);
            }
        }

        failure = s_failure;
        return failure is null;
    }

    /// <summary>The class index of each one-hot target row (cross-entropy) or the rows themselves (mean squared error).</summary>
    private Tensor Targets(float[] targets, int start, int rows, int outputSize)
    {
        if (!_softmax)
        {
            return Rows(targets, start, rows, outputSize);
        }

        var labels = new long[rows];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = targets.AsSpan((start + r) * outputSize, outputSize);
            labels[r] = row.IndexOf(1f);
        }

        return tensor(labels, [rows]);
    }

    private static Tensor Rows(float[] values, int start, int rows, int width) =>
        tensor(values.AsSpan(start * width, rows * width).ToArray(), [rows, width]);

    /// <summary>Sample <paramref name="sample"/> through the network (no_grad) into <paramref name="output"/>.</summary>
    public void Forward(int sample, Span<float> output) => Infer(_samples[sample], output);

    /// <summary>The batch through the network (no_grad) into <paramref name="outputs"/>.</summary>
    public void ForwardBatch(Span<float> outputs) => Infer(_batch, outputs);

    private void Infer(Tensor input, Span<float> output)
    {
        using DisposeScope scope = NewDisposeScope();
        using IDisposable noGrad = no_grad();
        Tensor result = _body.forward(input);
        if (_softmax)
        {
            result = nn.functional.softmax(result, 1);
        }

        result.data<float>().CopyTo(output);
    }

    /// <summary>One SGD step on sample <paramref name="sample"/>; returns the loss before the step.</summary>
    public float TrainStep(int sample) => Train(_samples[sample], _sampleTargets[sample]);

    /// <summary>One SGD step on the mean loss of training batch <paramref name="batch"/>; returns that loss.</summary>
    public float TrainBatch(int batch) => Train(_trainBatches[batch], _trainBatchTargets[batch]);

    private float Train(Tensor input, Tensor target)
    {
        using DisposeScope scope = NewDisposeScope();
        _sgd.zero_grad();
        Tensor output = _body.forward(input);
        Tensor loss = _softmax ? nn.functional.cross_entropy(output, target) : nn.functional.mse_loss(output, target);
        loss.backward();
        _sgd.step();
        return loss.ToSingle();
    }

    /// <summary>The parameters in StaticNet's flat layout.</summary>
    public float[] Parameters()
    {
        var result = new System.Collections.Generic.List<float>();
        foreach (Linear linear in _linears)
        {
            result.AddRange(linear.weight!.data<float>().ToArray());
            result.AddRange(linear.bias!.data<float>().ToArray());
        }

        return [.. result];
    }

    private static void Initialize()
    {
        if (!TryInitialize(out string? failure))
        {
            throw new InvalidOperationException("TorchSharp cannot run here: " + failure);
        }
    }

    /// <summary>
    /// The line of a load failure that says why: the runtime lists every path it tried, most of them "cannot open
    /// shared object file", and the loader's real complaint (a missing symbol version, a missing dependency) among them.
    /// </summary>
    private static string Reason(Exception e)
    {
        string[] lines = (e.InnerException ?? e).Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (string line in lines)
        {
            if (line.Contains(".so", StringComparison.Ordinal) && !line.Contains("cannot open shared object file", StringComparison.Ordinal) && !line.StartsWith("Unable to load", StringComparison.Ordinal))
            {
                return line;
            }
        }

        return lines.Length > 0 ? lines[0] : e.GetType().Name;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (Tensor t in _samples)
        {
            t.Dispose();
        }

        foreach (Tensor t in _sampleTargets)
        {
            t.Dispose();
        }

        foreach (Tensor t in _trainBatches)
        {
            t.Dispose();
        }

        foreach (Tensor t in _trainBatchTargets)
        {
            t.Dispose();
        }

        _batch.Dispose();
        _sgd.Dispose();
        _body.Dispose();
    }
}
