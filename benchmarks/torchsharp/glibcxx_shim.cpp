// The one symbol of GLIBCXX_3.4.32 (GCC 13's libstdc++) that TorchSharp 0.107's libLibTorchSharp.so asks for, for a
// system whose libstdc++ is older (Debian 12: GCC 12, GLIBCXX_3.4.30). Built and used only by glibcxx-shim.sh.
//
// GCC 13's <iostream> no longer gives each translation unit a static std::ios_base::Init: libstdc++ 13 initialises the
// standard streams itself, and every object that includes <iostream> refers to std::ios_base_library_init() so that it
// cannot load with an older libstdc++. This file defines that function, and, compiled by GCC 12, includes <iostream>, so
// it carries the static std::ios_base::Init that initialises the streams as libstdc++ 13 would: loaded before
// libLibTorchSharp.so's own initialisers (a dependency is initialised first), it gives them initialised streams.
#include <iostream>

namespace std
{
    void ios_base_library_init() {}
}
