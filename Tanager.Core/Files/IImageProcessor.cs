namespace Tanager;

/// <summary>
/// Reads image sizes and makes thumbnails, for attachments whose content type it <see cref="Supports"/>. Optional: with
/// none registered, images are plain files (no size, no thumbnail). <c>Tanager.Imaging.Skia</c> provides one
/// (<c>UseSkiaImages()</c>); the reference server uses it.
/// </summary>
public interface IImageProcessor
{
    /// <summary>Whether files of <paramref name="contentType"/> (lower case, no parameters) are images this processor reads.</summary>
    bool Supports(string contentType);

    /// <summary>
    /// The image's size as it is displayed (its EXIF orientation applied), read from the file's first bytes alone; null
    /// when they are not a readable image header. Called while a message is posted, so it must not decode pixels.
    /// </summary>
    ImageSize? Identify(ReadOnlySpan<byte> header);

    /// <summary>
    /// A WebP thumbnail of the image in <paramref name="image"/>: its orientation applied, fitting in
    /// <paramref name="maxSide"/> × <paramref name="maxSide"/> pixels (never enlarged), with no metadata at all (no EXIF,
    /// so no location). Null when the image cannot be decoded, or decoding it would take more memory than is safe.
    /// </summary>
    Thumbnail? CreateThumbnail(ReadOnlySpan<byte> image, int maxSide);
}

/// <summary>A width and height in pixels.</summary>
public readonly record struct ImageSize(int Width, int Height);

/// <summary>A thumbnail: its WebP bytes, its size, and the displayed size of the image it was made from.</summary>
public sealed record Thumbnail(ReadOnlyMemory<byte> WebP, ImageSize Size, ImageSize Source);
