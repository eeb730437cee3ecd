// Gives the shared torch precompiled header of the tests a target to be built in.
namespace longrl::test {
int torchPchAnchor() { return 0; }
}  // namespace longrl::test
