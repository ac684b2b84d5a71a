using System.Buffers;
using System.IO.Pipelines;

namespace Tanager.Transport.WebSockets.Internal;

/// <summary>
/// Hands a connection to the HTTP server after <see cref="UpgradeRequestReader"/> needed more than one read to decide it
/// was not the gateway's. Waiting for more data meant marking everything examined, and a pipe refuses to move the
/// examined position back; so this reader gives the HTTP server the bytes already read without waiting, and whenever the
/// server examines less than the sniff did, examines up to the sniff's mark on its behalf and replays the rest on the
/// next read. Once the server has examined past the mark it is a plain pass-through.
/// </summary>
internal sealed class ReplayingPipeReader(PipeReader inner, ReadOnlySequence<byte> sniffed, bool completed) : PipeReader
{
    /// <summary>Bytes from the start of <see cref="_buffer"/> that the sniff already marked examined; 0 once passed.</summary>
    private long _ahead = sniffed.Length;
    private ReadOnlySequence<byte> _buffer = sniffed;
    private bool _replay = true;

    public override bool TryRead(out ReadResult result)
    {
        if (_ahead == 0)
        {
            return inner.TryRead(out result);
        }
        if (inner.TryRead(out result))
        {
            // New bytes arrived; the pipe's buffer starts at the consumed position, so it holds the old ones too.
            _buffer = result.Buffer;
            _replay = false;
            return true;
        }
        if (_replay)
        {
            _replay = false;
            result = new ReadResult(_buffer, isCanceled: false, completed);
            return true;
        }
        return false;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_ahead == 0)
        {
            return inner.ReadAsync(cancellationToken);
        }
        return TryRead(out var result) ? new(result) : ReadAheadAsync(cancellationToken);
    }

    private async ValueTask<ReadResult> ReadAheadAsync(CancellationToken cancellationToken)
    {
        var result = await inner.ReadAsync(cancellationToken);
        _buffer = result.Buffer;
        return result;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_ahead == 0)
        {
            inner.AdvanceTo(consumed, examined);
            return;
        }
        var consumedBytes = _buffer.Slice(0, consumed).Length;
        if (_buffer.Slice(0, examined).Length >= _ahead)
        {
            inner.AdvanceTo(consumed, examined);
            _ahead = 0;
            _buffer = default;
            return;
        }
        inner.AdvanceTo(consumed, _buffer.GetPosition(_ahead));
        _buffer = _buffer.Slice(consumed);
        _ahead -= consumedBytes;
        _replay = true;
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
