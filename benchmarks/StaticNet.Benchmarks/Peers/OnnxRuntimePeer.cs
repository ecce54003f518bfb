using System;
using Microsoft.ML.OnnxRuntime;

namespace StaticNet.Benchmarks.Peers;

/// <summary>How <see cref="OnnxRuntimePeer"/> hands its inputs and outputs to ONNX Runtime.</summary>
public enum OnnxRuntimeCall
{
    /// <summary><c>InferenceSession.Run</c> with OrtValues over pinned arrays for the inputs and the outputs.</summary>
    Run,

    /// <summary>An <c>OrtIoBinding</c> whose output is bound once; each call binds its input's OrtValue and runs with the binding.</summary>
    IoBinding,
}

/// <summary>
/// ONNX Runtime on the CPU as a .NET developer sets it up for latency: one intra-op and one inter-op thread, sequential
/// execution, <c>GraphOptimizationLevel.ORT_ENABLE_ALL</c>. Every input and output is an OrtValue created once over a
/// pinned slice of a managed array, so no call copies or allocates a tensor.
/// </summary>
public sealed class OnnxRuntimePeer : IDisposable
{
    private const string InputName = "input";
    private const string OutputName = "output";
    private static readonly string[] s_inputNames = [InputName];
    private static readonly string[] s_outputNames = [OutputName];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OnnxRuntimeCall _call;
    private readonly OrtValue[] _samples;
    private readonly OrtValue _batch;
    private readonly OrtValue _sampleOutput;
    private readonly OrtValue _batchOutput;
    private readonly OrtValue[] _input = new OrtValue[1];
    private readonly OrtValue[] _sampleOutputs;
    private readonly OrtValue[] _batchOutputs;
    private readonly OrtIoBinding _sampleBinding;
    private readonly OrtIoBinding _batchBinding;

    /// <summary>A session for <paramref name="model"/>, with OrtValues over <paramref name="inputs"/>.</summary>
    /// <param name="model">The ONNX model: input <c>input</c> of shape [batch, inputSize], output <c>output</c> of shape [batch, outputSize].</param>
    /// <param name="inputSize">Values per sample.</param>
    /// <param name="outputSize">Outputs per sample.</param>
    /// <param name="inputs">The samples, one after another; each single-sample call reads one of the first <paramref name="samples"/>.</param>
    /// <param name="samples">How many single samples get an OrtValue.</param>
    /// <param name="batchSize">The batch that <see cref="ForwardBatch"/> runs: the first rows of <paramref name="inputs"/>.</param>
    /// <param name="sampleOutput">Receives the output of a single-sample call (pinned while the peer lives).</param>
    /// <param name="batchOutput">Receives the outputs of <see cref="ForwardBatch"/> (pinned while the peer lives).</param>
    /// <param name="call">Run with OrtValues, or with an IO binding.</param>
    public OnnxRuntimePeer(byte[] model, int inputSize, int outputSize, float[] inputs, int samples, int batchSize, float[] sampleOutput, float[] batchOutput, OnnxRuntimeCall call)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);
        _call = call;
        OrtMemoryInfo cpu = OrtMemoryInfo.DefaultInstance;
        _samples = new OrtValue[samples];
        for (int i = 0; i < samples; i++)
        {
            _samples[i] = OrtValue.CreateTensorValueFromMemory(cpu, inputs.AsMemory(i * inputSize, inputSize), [1, inputSize]);
        }

        _batch = OrtValue.CreateTensorValueFromMemory(cpu, inputs.AsMemory(0, batchSize * inputSize), [batchSize, inputSize]);
        _sampleOutput = OrtValue.CreateTensorValueFromMemory(cpu, sampleOutput.AsMemory(0, outputSize), [1, outputSize]);
        _batchOutput = OrtValue.CreateTensorValueFromMemory(cpu, batchOutput.AsMemory(0, batchSize * outputSize), [batchSize, outputSize]);
        _sampleOutputs = [_sampleOutput];
        _batchOutputs = [_batchOutput];
        _sampleBinding = _session.CreateIoBinding();
        _sampleBinding.BindOutput(OutputName, _sampleOutput);
        _batchBinding = _session.CreateIoBinding();
        _batchBinding.BindInput(InputName, _batch);
        _batchBinding.BindOutput(OutputName, _batchOutput);
    }

    /// <summary>Runs sample <paramref name="sample"/> into the single-sample output array.</summary>
    public void Forward(int sample)
    {
        if (_call == OnnxRuntimeCall.IoBinding)
        {
            _sampleBinding.BindInput(InputName, _samples[sample]);
            _session.RunWithBinding(_runOptions, _sampleBinding);
        }
        else
        {
            _input[0] = _samples[sample];
            _session.Run(_runOptions, s_inputNames, _input, s_outputNames, _sampleOutputs);
        }
    }

    /// <summary>Runs the batch into the batch output array.</summary>
    public void ForwardBatch()
    {
        if (_call == OnnxRuntimeCall.IoBinding)
        {
            _session.RunWithBinding(_runOptions, _batchBinding);
        }
        else
        {
            _input[0] = _batch;
            _session.Run(_runOptions, s_inputNames, _input, s_outputNames, _batchOutputs);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _sampleBinding.Dispose();
        _batchBinding.Dispose();
        foreach (OrtValue value in _samples)
        {
            value.Dispose();
        }

        _batch.Dispose();
        _sampleOutput.Dispose();
        _batchOutput.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
