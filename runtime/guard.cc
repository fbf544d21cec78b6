// PLACEHOLDER
#include "fnguard/guard.h"
