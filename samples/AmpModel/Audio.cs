using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Samples.AmpModel;

/// <summary>The audio the sample learns from, made here: plucked strings and sine sweeps, and the effect it models.</summary>
public static class Audio
{
    /// <summary>The sample rate of every signal, in Hz.</summary>
    public const int SampleRate = 48_000;

    /// <summary>
    /// A guitar-like test signal of <paramref name="seconds"/> seconds: plucked strings (Karplus–Strong: a burst of
    /// noise recirculated through a delay line of one period and a two-tap average) of random pitches between 82 Hz
    /// (low E) and 660 Hz and random strength, overlapping, with a sine sweep from 40 Hz to 4 kHz every few seconds.
    /// </summary>
    public static float[] Guitar(double seconds, int seed)
    {
        var random = new Random(seed);
        int length = (int)(seconds * SampleRate);
        var signal = new float[length];
        int position = 0;
        while (position < length)
        {
            double frequency = 82 * Math.Pow(2, random.NextDouble() * 3);
            int period = (int)(SampleRate / frequency);
            double strength = 0.2 + (0.6 * random.NextDouble());
            var delay = new double[period];
            for (int i = 0; i < period; i++)
            {
                delay[i] = strength * ((2 * random.NextDouble()) - 1);
            }

            int duration = (int)(SampleRate * (0.15 + (0.45 * random.NextDouble())));
            for (int i = 0; i < duration && position + i < length; i++)
            {
                int k = i % period;
                double value = delay[k];
                delay[k] = 0.996 * 0.5 * (value + delay[(k + 1) % period]);
                signal[position + i] += (float)value;
            }

            position += duration / 2;
        }

        // A logarithmic sweep of one second every three seconds, at a random level.
        for (int start = SampleRate; start + SampleRate <= length; start += 3 * SampleRate)
        {
            double level = 0.2 + (0.5 * random.NextDouble()), phase = 0;
            for (int i = 0; i < SampleRate; i++)
            {
                double frequency = 40 * Math.Pow(100, (double)i / SampleRate);
                phase += 2 * Math.PI * frequency / SampleRate;
                signal[start + i] += (float)(level * Math.Sin(phase));
            }
        }

        return signal;
    }

    /// <summary>
    /// The effect: a tone stack (a resonant second-order low-pass at 1.8 kHz with Q 1.5, then a first-order high-pass at
    /// 90 Hz: RBJ cookbook biquads) into a tanh waveshaper with a gain of 4 and a little bias (asymmetric clipping), then a
    /// gentle output level. It has memory (the filters) and a nonlinearity after it, like an overdrive pedal.
    /// </summary>
    public static float[] Effect(float[] input)
    {
        var lowPass = Biquad.LowPass(1800, 1.5);
        var highPass = Biquad.HighPass(90, 0.707);
        var output = new float[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            double toned = highPass.Next(lowPass.Next(input[i]));
            output[i] = (float)(0.6 * (Math.Tanh((4 * toned) + 0.3) - Math.Tanh(0.3)));
        }

        return output;
    }

    /// <summary>The error-to-signal ratio, Σ(target − output)² / Σ target²: the amp-modelling metric (0 is perfect).</summary>
    public static double ErrorToSignal(ReadOnlySpan<float> target, ReadOnlySpan<float> output)
    {
        double error = 0, energy = 0;
        for (int i = 0; i < target.Length; i++)
        {
            error += (target[i] - output[i]) * (double)(target[i] - output[i]);
            energy += target[i] * (double)target[i];
        }

        return error / energy;
    }

    /// <summary>Writes a mono 16-bit PCM WAV file at <see cref="SampleRate"/>, clipping to [−1, 1].</summary>
    public static void WriteWav(string path, ReadOnlySpan<float> samples)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("RIFF"u8);
        writer.Write(36 + (2 * samples.Length));
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(SampleRate);
        writer.Write(SampleRate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(2 * samples.Length);
        foreach (float sample in samples)
        {
            writer.Write((short)Math.Round(Math.Clamp(sample, -1f, 1f) * short.MaxValue));
        }
    }

    /// <summary>An SVG plot of the three waveforms over the same stretch of time.</summary>
    public static string Svg(ReadOnlySpan<float> input, ReadOnlySpan<float> target, ReadOnlySpan<float> output)
    {
        const int Width = 900, Height = 360, Margin = 40;
        float[][] curves = [input.ToArray(), target.ToArray(), output.ToArray()];
        string[] colours = ["#9e9e9e", "#1565c0", "#e65100"];
        string[] names = ["input", "target (the effect)", "model (GRU)"];
        double peak = Math.Max(1e-6, curves.SelectMany(c => c).Max(v => Math.Abs(v)));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"13\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{Height / 2}\" x2=\"{Width - Margin}\" y2=\"{Height / 2}\" stroke=\"#ddd\"/>\n");
        for (int c = 0; c < curves.Length; c++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colours[c]}\" stroke-width=\"{(c == 0 ? 1 : 1.6)}\" points=\"");
            for (int i = 0; i < curves[c].Length; i++)
            {
                double x = Margin + ((Width - (2.0 * Margin)) * i / Math.Max(1, curves[c].Length - 1));
                double y = (Height / 2.0) - (((Height / 2.0) - Margin) * curves[c][i] / peak);
                svg.Append(CultureInfo.InvariantCulture, $"{x:F1},{y:F1} ");
            }

            svg.Append("\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin + (c * 220)}\" y=\"22\" fill=\"{colours[c]}\">{names[c]}</text>\n");
        }

        double milliseconds = 1000.0 * input.Length / SampleRate;
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Margin - 160}\" y=\"{Height - 12}\" fill=\"#555\">{milliseconds:F1} ms at {SampleRate / 1000} kHz</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>A biquad filter (Direct Form I) with the RBJ Audio EQ Cookbook's coefficients.</summary>
    private sealed class Biquad(double b0, double b1, double b2, double a1, double a2)
    {
        private double _x1, _x2, _y1, _y2;

        public static Biquad LowPass(double frequency, double q)
        {
            (double cos, double alpha) = Prewarp(frequency, q);
            double a0 = 1 + alpha;
            return new Biquad((1 - cos) / 2 / a0, (1 - cos) / a0, (1 - cos) / 2 / a0, -2 * cos / a0, (1 - alpha) / a0);
        }

        public static Biquad HighPass(double frequency, double q)
        {
            (double cos, double alpha) = Prewarp(frequency, q);
            double a0 = 1 + alpha;
            return new Biquad((1 + cos) / 2 / a0, -(1 + cos) / a0, (1 + cos) / 2 / a0, -2 * cos / a0, (1 - alpha) / a0);
        }

        public double Next(double x)
        {
            double y = (b0 * x) + (b1 * _x1) + (b2 * _x2) - (a1 * _y1) - (a2 * _y2);
            (_x2, _x1, _y2, _y1) = (_x1, x, _y1, y);
            return y;
        }

        private static (double Cos, double Alpha) Prewarp(double frequency, double q)
        {
            double w = 2 * Math.PI * frequency / SampleRate;
            return (Math.Cos(w), Math.Sin(w) / (2 * q));
        }
    }
}
