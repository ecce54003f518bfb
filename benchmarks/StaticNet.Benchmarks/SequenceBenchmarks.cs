using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace StaticNet.Benchmarks;

/// <summary>
/// Streaming latency of a sequence network: one <c>Step</c> (one frame of one input) of GRU(8), GRU(32), LSTM(32) and
/// Conv1D(16, k=3, d=2)→GRU(16)→Dense(1), of the trainable network and of its inference snapshot (<c>Freeze()</c>, the
/// counterpart of RTNeural's inference-only model), the cases that docs/benchmarks.md compares with RTNeural's compile-time
/// <c>ModelT</c>. The state is kept across calls (a stream, as RTNeural's <c>forward</c> keeps its own); the input cycles
/// through a signal of 8,192 random frames in [-1, 1); every output is added into a sum kept across frames (as RTNeural's
/// benchmark does), which is the return value. The weights are the networks' own initialisation: GRU and LSTM tensors
/// uniform in ±1/√H, as PyTorch's and the RTNeural benchmark's; convolution and dense weights Glorot-uniform with zero
/// biases, where the RTNeural benchmark draws them in ±1/√fan_in with biases (the kernels have no branch on the values, so
/// the time does not depend on them). Run it with
/// <c>--filter '*SequenceBenchmarks*' --launchCount 1 --warmupCount 6 --iterationCount 15</c> (the job of
/// benchmarks/compare.sh).
/// </summary>
[MemoryDiagnoser]
public class SequenceBenchmarks
{
    private const int Signal = 8192; // a power of two

    private Gru8 _gru8 = null!;
    private Gru32 _gru32 = null!;
    private Lstm32 _lstm32 = null!;
    private ConvGru _convGru = null!;
    private Gru8.Frozen _gru8Frozen = null!;
    private Gru32.Frozen _gru32Frozen = null!;
    private Lstm32.Frozen _lstm32Frozen = null!;
    private ConvGru.Frozen _convGruFrozen = null!;
    private float[] _signal = null!;
    private float[] _state = null!;
    private float[] _output = null!;
    private int _next;
    private float _sum;

    /// <summary>The networks, a state and an output buffer large enough for each, and the input signal.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _gru8 = Gru8.Create(seed: 1);
        _gru32 = Gru32.Create(seed: 2);
        _lstm32 = Lstm32.Create(seed: 3);
        _convGru = ConvGru.Create(seed: 4);
        _gru8Frozen = _gru8.Freeze();
        _gru32Frozen = _gru32.Freeze();
        _lstm32Frozen = _lstm32.Freeze();
        _convGruFrozen = _convGru.Freeze();
        _signal = ReferenceData.Inputs(1, Signal, seed: 5);
        _state = new float[Math.Max(Math.Max(Gru8.StateSize, Gru32.StateSize), Math.Max(Lstm32.StateSize, ConvGru.StateSize))];
        _output = new float[Math.Max(Math.Max(Gru8.OutputSize, Gru32.OutputSize), Math.Max(Lstm32.OutputSize, ConvGru.OutputSize))];
    }

    /// <summary>One frame of GRU(8).</summary>
    [Benchmark]
    public float StepGru8()
    {
        _gru8.Step(_state.AsSpan(0, Gru8.StateSize), _signal.AsSpan(Next(), 1), _output.AsSpan(0, Gru8.OutputSize));
        return Sum(Gru8.OutputSize);
    }

    /// <summary>One frame of GRU(32).</summary>
    [Benchmark]
    public float StepGru32()
    {
        _gru32.Step(_state.AsSpan(0, Gru32.StateSize), _signal.AsSpan(Next(), 1), _output.AsSpan(0, Gru32.OutputSize));
        return Sum(Gru32.OutputSize);
    }

    /// <summary>One frame of LSTM(32).</summary>
    [Benchmark]
    public float StepLstm32()
    {
        _lstm32.Step(_state.AsSpan(0, Lstm32.StateSize), _signal.AsSpan(Next(), 1), _output.AsSpan(0, Lstm32.OutputSize));
        return Sum(Lstm32.OutputSize);
    }

    /// <summary>One frame of Conv1D(16, k=3, d=2)→GRU(16)→Dense(1).</summary>
    [Benchmark]
    public float StepConvGru()
    {
        _convGru.Step(_state.AsSpan(0, ConvGru.StateSize), _signal.AsSpan(Next(), 1), _output.AsSpan(0, ConvGru.OutputSize));
        return Sum(ConvGru.OutputSize);
    }

    /// <summary>One frame of GRU(8)'s inference snapshot (<c>Freeze()</c>).</summary>
    [Benchmark(Description = "StepGru8 Freeze()")]
    public float StepGru8Frozen()
    {
        _gru8Frozen.Step(_state.AsSpan(0, Gru8.StateSize), _signal.AsSpan(Next(), 1), _output.AsSpan(0, Gru8.OutputSize));
        return Sum(Gru8.OutputSize);
    }

    /// <summary>One frame of GRU(32)'s inference snapshot.</summary>
    [Benchmark(Description = "StepGru32 Freeze()")]
    public float StepGru32Frozen()
    {
        _gru32Frozen.Step(_state.AsSpan(0, Gru32.StateSize), _signal.AsSpan(Next(), 1), _output.AsSpan(0, Gru32.OutputSize));
        return Sum(Gru32.OutputSize);
    }

    /// <summary>One frame of LSTM(32)'s inference snapshot.</summary>
    [Benchmark(Description = "StepLstm32 Freeze()")]
    public float StepLstm32Frozen()
    {
        _lstm32Frozen.Step(_state.AsSpan(0, Lstm32.StateSize), _signal.AsSpan(Next(), 1), _output.AsSpan(0, Lstm32.OutputSize));
        return Sum(Lstm32.OutputSize);
    }

    /// <summary>One frame of Conv1D(16, k=3, d=2)→GRU(16)→Dense(1)'s inference snapshot.</summary>
    [Benchmark(Description = "StepConvGru Freeze()")]
    public float StepConvGruFrozen()
    {
        _convGruFrozen.Step(_state.AsSpan(0, ConvGru.StateSize), _signal.AsSpan(Next(), 1), _output.AsSpan(0, ConvGru.OutputSize));
        return Sum(ConvGru.OutputSize);
    }

    private int Next() => _next++ & (Signal - 1);

    // As the RTNeural benchmark does, every output of the frame is added, in order, into one sum kept across frames. g++
    // compiles that loop of a constant count to one add with a memory operand per output, the loop unrolled; the JIT keeps
    // the loop (a counter, a compare and a branch per output besides the add), and on LSTM(32)'s step at 512 bits those
    // instructions cost about 40 ns a frame more than the adds themselves, as many as the core must hold while the next
    // frame starts (docs/benchmarks.md, "The sitting of 2026-12-04 (late night)"). So the adds are written out: the same
    // chain of dependent adds, in the same order, as the C++ harness.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Sum(int count)
    {
        ref float y = ref MemoryMarshal.GetArrayDataReference(_output);
        float sum = _sum;
        switch (count)
        {
            case 1:
                sum += y;
                break;
            case 8:
                sum = AddEight(sum, ref y);
                break;
            case 32:
                sum = AddEight(AddEight(AddEight(AddEight(sum, ref y), ref Unsafe.Add(ref y, 8)), ref Unsafe.Add(ref y, 16)), ref Unsafe.Add(ref y, 24));
                break;
            default:
                foreach (float value in _output.AsSpan(0, count))
                {
                    sum += value;
                }

                break;
        }

        _sum = sum;
        return sum;
    }

    // sum + y[0] + y[1] + … + y[7], added left to right.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float AddEight(float sum, ref float y) =>
        sum + y + Unsafe.Add(ref y, 1) + Unsafe.Add(ref y, 2) + Unsafe.Add(ref y, 3)
        + Unsafe.Add(ref y, 4) + Unsafe.Add(ref y, 5) + Unsafe.Add(ref y, 6) + Unsafe.Add(ref y, 7);
}
