using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SkiaSharp;
using Tanager.Imaging.Skia;

namespace Tanager.Benchmarks;

/// <summary>
/// What an image attachment costs the server: reading its size while the message is posted (on the send path), and
/// making its 720-pixel WebP thumbnail (in the background worker). Inputs are a 12-megapixel phone photo (JPEG) and a
/// 4K screenshot (PNG), with noise so that they encode to realistic sizes.
/// </summary>
[Config(typeof(ThumbnailConfig))]
[MemoryDiagnoser]
public class ThumbnailBenchmarks
{
    private readonly SkiaImageProcessor _images = new();
    private byte[] _photo = [];
    private byte[] _screenshot = [];

    [GlobalSetup]
    public void Setup()
    {
        _photo = Encode(4000, 3000, SKEncodedImageFormat.Jpeg, 85);
        _screenshot = Encode(3840, 2160, SKEncodedImageFormat.Png, 100);
        Console.WriteLine($"// photo {_photo.Length:N0} bytes, screenshot {_screenshot.Length:N0} bytes");
    }

    [Benchmark(Description = "size of a 12 MP JPEG from its first 128 KiB")]
    public ImageSize? IdentifyPhoto() => _images.Identify(_photo.AsSpan(0, 128 * 1024));

    [Benchmark(Description = "720 px WebP thumbnail of a 12 MP JPEG")]
    public Thumbnail? ThumbnailOfPhoto() => _images.CreateThumbnail(_photo, 720);

    [Benchmark(Description = "720 px WebP thumbnail of a 4K PNG")]
    public Thumbnail? ThumbnailOfScreenshot() => _images.CreateThumbnail(_screenshot, 720);

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format, int quality)
    {
        var random = new Random(42);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var pixels = bitmap.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 4;
                var noise = random.Next(24);
                pixels[i] = (byte)(x * 255 / width / 2 + noise);
                pixels[i + 1] = (byte)(y * 255 / height / 2 + noise);
                pixels[i + 2] = (byte)(96 + noise);
                pixels[i + 3] = 255;
            }
        }
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    private sealed class ThumbnailConfig : ManualConfig
    {
        public ThumbnailConfig() =>
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10).WithId("InProcess"));
    }
}
