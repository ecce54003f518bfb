using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using StaticNet;
using StaticNet.Training;

namespace Samples.Digits;

/// <summary>8×8 images in, one ReLU layer of 64, ten classes out.</summary>
[Network(Layers = [64, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class DigitNet;

public static class Program
{
    public static void Main(string[] args)
    {
        int cores = args.Length == 2 && args[0] == "--cores" ? int.Parse(args[1], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
        DigitsResult result = DigitsTraining.Run(Console.WriteLine, cores);
        Console.WriteLine();
        Console.WriteLine($"Trained {result.Epochs} epochs on {result.TrainCount} images in {result.Seconds:F2} s on {cores} core(s): test accuracy {result.TestAccuracy:P1} on {result.TestCount} images.");
        Console.WriteLine();
        Console.WriteLine("Confusion matrix on the test images (rows: true digit, columns: predicted):");
        Console.WriteLine("       " + string.Concat(Enumerable(10, d => $"{d,5}")));
        for (int truth = 0; truth < 10; truth++)
        {
            Console.WriteLine($"  {truth,3}  " + string.Concat(Enumerable(10, p => $"{result.Confusion[truth, p],5}")));
        }

        float[] image = result.TestImage;
        double nanoseconds = InferenceLatency.MedianNanoseconds(() => result.Network.Predict(image));
        Console.WriteLine();
        Console.WriteLine($"Single-sample inference (Predict): median {nanoseconds:F0} ns per call.");

        // Serving the trained model: an inference-only snapshot whose weights are packed for the forward pass.
        DigitNet.Frozen frozen = result.Network.Freeze();
        double frozenNanoseconds = InferenceLatency.MedianNanoseconds(() => frozen.Predict(image));
        Console.WriteLine($"The same from Freeze() (packed weights): median {frozenNanoseconds:F0} ns per call, predicting {frozen.Predict(image)} as the network does ({result.Network.Predict(image)}).");
    }

    private static string[] Enumerable(int count, Func<int, string> format)
    {
        var items = new string[count];
        for (int i = 0; i < count; i++)
        {
            items[i] = format(i);
        }

        return items;
    }
}

/// <summary>What a training run reached.</summary>
public sealed record DigitsResult(DigitNet Network, int Epochs, int TrainCount, int TestCount, double Seconds, double TestAccuracy, int[,] Confusion, float[] TestImage);

/// <summary>Trains <see cref="DigitNet"/> on a fixed split of the UCI digits with the trainer and Adam.</summary>
public static class DigitsTraining
{
    public const int Epochs = 40;
    public const int TestCount = 360;

    public static DigitsResult Run(Action<string>? log = null, int cores = 0)
    {
        (float[] images, int[] labels) = Load(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
        int count = labels.Length, trainCount = count - TestCount;
        Shuffle(images, labels, seed: 0);
        var net = new DigitNet(seed: 1);
        var options = new TrainerOptions
        {
            Epochs = Epochs,
            BatchSize = 32,
            Seed = 2,
            MaxDegreeOfParallelism = cores > 0 ? cores : Environment.ProcessorCount,
        };
        var trainer = new Trainer<DigitNet, float>(net, new Adam<float>(DigitNet.ParameterCount, learningRate: 0.002), options);
        log?.Invoke($"Digits: {count} images of 8x8 pixels, {trainCount} to train on and {TestCount} to test; DigitNet {string.Join(" -> ", DigitNet.LayerSizes.ToArray())}, {DigitNet.ParameterCount:N0} parameters; Adam, batches of {options.BatchSize}");

        var progress = new Reporter(epoch => log?.Invoke($"epoch {epoch.Epoch,3}: loss {epoch.Loss:F4}, training accuracy {epoch.Accuracy:P1} ({epoch.Elapsed.TotalSeconds:F2} s)"));
        TrainingHistory history = trainer.Fit(images.AsMemory(0, trainCount * 64), labels.AsMemory(0, trainCount), progress);

        var confusion = new int[10, 10];
        int correct = 0;
        for (int i = trainCount; i < count; i++)
        {
            int predicted = net.Predict(images.AsSpan(i * 64, 64));
            confusion[labels[i], predicted]++;
            correct += predicted == labels[i] ? 1 : 0;
        }

        return new DigitsResult(net, history.Epochs.Count, trainCount, TestCount, history.Last.Elapsed.TotalSeconds, (double)correct / TestCount, confusion, images.AsSpan(trainCount * 64, 64).ToArray());
    }

    /// <summary>Reads the gzip'd CSV: 64 pixels (0 to 16, scaled here to [0, 1]) then the digit, one image per line.</summary>
    public static (float[] Images, int[] Labels) Load(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var images = new System.Collections.Generic.List<float>();
        var labels = new System.Collections.Generic.List<int>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            string[] fields = line.Split(',');
            if (fields.Length != 65)
            {
                throw new InvalidDataException($"Line {labels.Count + 1} of {path} has {fields.Length} fields, not 65.");
            }

            for (int i = 0; i < 64; i++)
            {
                images.Add(float.Parse(fields[i], CultureInfo.InvariantCulture) / 16f);
            }

            labels.Add(int.Parse(fields[64], CultureInfo.InvariantCulture));
        }

        return (images.ToArray(), labels.ToArray());
    }

    /// <summary>A fixed permutation of the images (the same on every machine), so the split mixes the writers.</summary>
    private static void Shuffle(float[] images, int[] labels, int seed)
    {
        var random = new Random(seed);
        for (int i = labels.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (labels[i], labels[j]) = (labels[j], labels[i]);
            for (int k = 0; k < 64; k++)
            {
                (images[(i * 64) + k], images[(j * 64) + k]) = (images[(j * 64) + k], images[(i * 64) + k]);
            }
        }
    }

    /// <summary>Reports synchronously on the training thread.</summary>
    private sealed class Reporter(Action<EpochResult> report) : IProgress<EpochResult>
    {
        public void Report(EpochResult value) => report(value);
    }
}
