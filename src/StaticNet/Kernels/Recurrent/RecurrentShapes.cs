using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>The GRU's input projection as a dense layer: <c>weight_ih [3H][In]</c>, gates r, z, n.</summary>
/// <typeparam name="TShape">The GRU's sizes (<c>Out</c> is H).</typeparam>
internal readonly struct GruInput<TShape> : ILayerShape
    where TShape : ILayerShape
{
    public static int In
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TShape.In;
    }

    public static int Out
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 3 * TShape.Out;
    }
}

/// <summary>The GRU's recurrent projection as a dense layer: <c>weight_hh [3H][H]</c>.</summary>
/// <typeparam name="TShape">The GRU's sizes.</typeparam>
internal readonly struct GruHidden<TShape> : ILayerShape
    where TShape : ILayerShape
{
    public static int In
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TShape.Out;
    }

    public static int Out
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 3 * TShape.Out;
    }
}

/// <summary>The LSTM's input projection as a dense layer: <c>weight_ih [4H][In]</c>, gates i, f, g, o.</summary>
/// <typeparam name="TShape">The LSTM's sizes (<c>Out</c> is H).</typeparam>
internal readonly struct LstmInput<TShape> : ILayerShape
    where TShape : ILayerShape
{
    public static int In
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TShape.In;
    }

    public static int Out
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 4 * TShape.Out;
    }
}

/// <summary>The LSTM's recurrent projection as a dense layer: <c>weight_hh [4H][H]</c>.</summary>
/// <typeparam name="TShape">The LSTM's sizes.</typeparam>
internal readonly struct LstmHidden<TShape> : ILayerShape
    where TShape : ILayerShape
{
    public static int In
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TShape.Out;
    }

    public static int Out
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 4 * TShape.Out;
    }
}
