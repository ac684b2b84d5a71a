#!/usr/bin/env bash
# Rebuilds NATS.NKeys.1.0.1.nupkg in this folder: an empty netstandard2.0 library that stands in for the real
# NATS.NKeys 1.0.1, which our NuGet mirror does not serve (see README.md here). Run it from anywhere; it builds in a
# temporary folder so the repository's Directory.Build.props (warnings as errors, API tracking) does not apply.
set -euo pipefail
feed="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat > "$work/NATS.NKeys.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
    <PackageId>NATS.NKeys</PackageId>
    <Version>1.0.1</Version>
    <AssemblyName>NATS.NKeys</AssemblyName>
    <Authors>Tanager contributors</Authors>
    <Description>Placeholder for NATS.NKeys 1.0.1 in Tanager's own build only. It contains no NKey code: NKey and JWT authentication throw with it. Never publish it.</Description>
    <Deterministic>true</Deterministic>
    <GenerateDocumentationFile>false</GenerateDocumentationFile>
    <IncludeSymbols>false</IncludeSymbols>
  </PropertyGroup>
</Project>
XML
cat > "$work/Placeholder.cs" <<'CS'
namespace NATS.NKeys.Placeholder
{
    /// <summary>Marks the stand-in assembly; the real NATS.NKeys has no such type.</summary>
    internal static class Marker
    {
    }
}
CS
# An empty nuget.config beside the project keeps the user's sources but not the repository's source mapping.
cat > "$work/nuget.config" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<configuration />
XML
dotnet pack "$work/NATS.NKeys.csproj" -c Release -o "$work/out" -nologo -v quiet
cp "$work/out/NATS.NKeys.1.0.1.nupkg" "$feed/NATS.NKeys.1.0.1.nupkg"
echo "Wrote $feed/NATS.NKeys.1.0.1.nupkg"
