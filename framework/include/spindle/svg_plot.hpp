// placeholder: owned by the plotting helper
#pragma once
