#include "wrappers/cli/cli.h"

int main(int argc, char** argv) { return fnguard::cli::Main(argc, argv); }
