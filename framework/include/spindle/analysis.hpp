// placeholder: owned by the app helper
#pragma once
