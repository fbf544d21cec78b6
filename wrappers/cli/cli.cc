// PLACEHOLDER
#include "wrappers/cli/cli.h"
namespace fnguard::cli {
int Main(int, char**) { return 0; }
}
